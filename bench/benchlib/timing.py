"""Timing samples, their summary and plain-text tables."""
import statistics
import time


def percentile(values, q):
    "q-th percentile (0-100), linear interpolation between closest ranks"
    values = sorted(values)
    if not values:
        return float('nan')
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def summary(samples):
    "Seconds in, milliseconds out"
    return {
        'n': len(samples),
        'median_ms': statistics.median(samples) * 1000,
        'p90_ms': percentile(samples, 90) * 1000,
        'min_ms': min(samples) * 1000,
        'max_ms': max(samples) * 1000,
        }


def timed(function, *args, **kwargs):
    "(seconds, result) of one call"
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def table(headers, rows, align=None):
    """A Markdown table (readable as plain text too); align: one of 'l'/'r'
    per column, numbers right-aligned by default"""
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
        for i, h in enumerate(headers)]
    if align is None:
        align = ['l'] + ['r'] * (len(headers) - 1)

    def line(cells):
        return '| ' + ' | '.join(
            c.ljust(w) if a == 'l' else c.rjust(w)
            for c, w, a in zip(cells, widths, align)) + ' |'
    rule = '|' + '|'.join(
        '-' * (w + 1) + ':' if a == 'r' else '-' * (w + 2)
        for w, a in zip(widths, align)) + '|'
    return '\n'.join([line(headers), rule] + [line(r) for r in rows])


def ms(value):
    return f'{value:.1f}' if value < 100 else f'{value:.0f}'
