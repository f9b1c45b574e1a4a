"""Rendering results for people: terminal tables, CSV, JSON (HTML/PDF reports come later)."""
