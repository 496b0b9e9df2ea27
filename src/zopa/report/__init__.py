"""Rendering results: Rich tables for the terminal and matplotlib plots."""
