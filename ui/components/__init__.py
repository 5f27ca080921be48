"""Streamlit components of the app, each a static directory of plain HTML and JavaScript (no build)."""
