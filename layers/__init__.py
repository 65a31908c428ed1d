"""The atlas map as folium layers: composition, palette, strings, deep links. Imports no streamlit.

    from layers import make_map
    make_map(datetime.date(1941, 6, 22), ["territories", "status", "rivers"], "en").save("map.html")

See layers/maps.py (composition), layers/elements.py (the layer classes and how to add one),
layers/source.py (the data the browser loads), layers/view.py (deep links), layers/palette.py.
"""

from .maps import make_base_map, make_map, state_group
from .view import DEFAULT_LAYERS, KEY_DATES, LAYERS, View, parse_params, to_params

__all__ = ["DEFAULT_LAYERS", "KEY_DATES", "LAYERS", "View", "make_base_map", "make_map", "parse_params", "state_group", "to_params"]
