"""How alike two short texts are, in Japanese or English, without a model download:
cosine similarity of character n-gram TF-IDF vectors (scikit-learn). Character n-grams
need no word segmentation, so Japanese and English are treated alike."""

from __future__ import annotations

from collections.abc import Sequence


def similarities(queries: Sequence[str], documents: Sequence[str]) -> list[list[float]]:
    """``[i][j]``: how alike query i and document j are, from 0 (nothing shared) to 1."""
    if not queries or not documents:
        return [[0.0] * len(documents) for _ in queries]
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform([*queries, *documents])
    scores = (matrix[: len(queries)] @ matrix[len(queries) :].T).toarray()
    return [[float(min(1.0, max(0.0, v))) for v in row] for row in scores]
