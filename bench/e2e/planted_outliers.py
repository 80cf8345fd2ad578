"""Seeded normal rows with 1% planted outliers, the generated data of the scikit-learn comparisons
(iforest_1m_vs_sklearn.py, lof_generated_vs_sklearn.py), and the CSV `recon eval` reads them from."""
import numpy as np


def dataset(rows, features=9, seed=7):
    """X (float64) and 0/1 labels: each outlier has about 30% of its coordinates shifted by +4 or -4."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    y = np.zeros(rows, dtype=int)
    outliers = rng.choice(rows, rows // 100, replace=False)
    X[outliers] += rng.choice([-4.0, 4.0], size=(len(outliers), features)) * (rng.random((len(outliers), features)) < 0.3)
    y[outliers] = 1
    return X, y


def write_csv(path, X, y):
    """Columns f0..f<d-1> and label, 9 significant digits (what recon parses back to the same float32)."""
    header = ",".join("f%d" % i for i in range(X.shape[1])) + ",label"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt="%.9g")
