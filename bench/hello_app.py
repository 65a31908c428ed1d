"""The smallest Streamlit page with a slider: the benchmark's baseline for Streamlit's own start-up
and rerun cost on this machine (see bench/app_bench.py, `baseline`)."""

import streamlit as st

st.title("baseline")
year = st.slider("Year", 1939, 1945)
st.write(f"year {year}")
