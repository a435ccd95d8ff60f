"""Keeping the plan current in the app: editing actions and objectives, owners and agencies,
the plan's settings, several plans and the yearly refresh. Every change is a recorded change."""
