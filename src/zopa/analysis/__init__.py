"""Exact analysis of scenarios: agreement zone, Pareto frontier, bargaining solutions."""
