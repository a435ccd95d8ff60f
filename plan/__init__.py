"""The plan's rules and queries. Never imports streamlit: every rule runs from a test or the CLI."""
