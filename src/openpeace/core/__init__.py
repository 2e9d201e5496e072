"""openpeace's functional core: pure, typed Python that never imports Django.

The rules of the programme (the source text in shared/source/) live here, where they can be
tested exhaustively with hypothesis and no database: the situation format, the terms validator,
the process rules, the armistice calendar, the plebiscite cryptography and the Merkle log.
The Django apps around it hold storage, pages and the API, and call in.
"""
