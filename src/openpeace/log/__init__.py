"""The transparency log app: entries written with their acts, integrated, signed and served."""
