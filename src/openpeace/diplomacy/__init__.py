"""Diplomacy: the offer of peace, its release to every government and people, the replies."""
