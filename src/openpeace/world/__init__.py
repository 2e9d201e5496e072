"""The world register: states, peoples, nationalities, territories, wars and occupations."""
