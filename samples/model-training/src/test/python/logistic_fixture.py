"""Independent fixture for LogisticRegressionTest: the L2-penalised logistic regression optimum
of a 12-row data set, computed in plain Python (no numpy) by gradient ascent to convergence,
then polished with Newton steps solved by Gauss-Jordan elimination, and checked by the gradient
norm. Objective: sum_i log-likelihood - lambda/2 * sum_j beta_j^2 (intercept not penalised).

Run: /usr/bin/python3 samples/model-training/src/test/python/logistic_fixture.py
"""
import math

X = [(0.5, -1.25), (1.5, 0.25), (-0.75, 2.0), (2.25, -0.5), (0.0, 0.0), (-1.5, -1.0),
     (1.0, 1.75), (-0.25, 0.5), (3.0, -2.0), (-2.0, 1.25), (0.75, -0.75), (1.25, 1.0)]
Y = [0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1]
LAMBDA = 1.0


def gradient_and_hessian(beta):
    d = len(beta)
    g = [0.0] * d
    h = [[0.0] * d for _ in range(d)]
    for x, y in zip(X, Y):
        row = (1.0,) + x
        z = sum(b * v for b, v in zip(beta, row))
        p = 1 / (1 + math.exp(-z))
        for j in range(d):
            g[j] += (y - p) * row[j]
            for k in range(d):
                h[j][k] += p * (1 - p) * row[j] * row[k]
    for j in range(1, d):
        g[j] -= LAMBDA * beta[j]
        h[j][j] += LAMBDA
    return g, h


def gauss_jordan(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[pivot] = m[pivot], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [u - f * v for u, v in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


beta = [0.0, 0.0, 0.0]
for _ in range(200000):
    g, _h = gradient_and_hessian(beta)
    beta = [b + 0.05 * gi for b, gi in zip(beta, g)]
for _ in range(5):
    g, h = gradient_and_hessian(beta)
    beta = [b + s for b, s in zip(beta, gauss_jordan(h, g))]
g, _h = gradient_and_hessian(beta)
assert max(abs(v) for v in g) < 1e-12, g
print("intercept %.15f" % beta[0])
print("coefficients %.15f %.15f" % (beta[1], beta[2]))
print("max |gradient| %.1e" % max(abs(v) for v in g))
