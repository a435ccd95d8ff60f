"""Streamlit helpers shared by the pages: the frame (marking, plan, user) and RAG display."""
