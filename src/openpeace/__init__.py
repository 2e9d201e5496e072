"""openpeace: open-diplomacy software (see README.md and docs/architecture.md)."""
