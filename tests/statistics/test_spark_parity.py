"""The cube's definitions run unchanged on Apache Spark (local session) and give the same cells as DuckDB."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from lvrongtong.statistics import synthetic
from lvrongtong.statistics.definitions import Query, cube_sql, drill_sql
from lvrongtong.statistics.engines import DuckEngine, SparkEngine

pyspark = pytest.importorskip("pyspark", reason="the [spark] extra is installed by scripts/test.sh")

QUERIES = [
    Query(by=[], grain="month"),
    Query(by=["district", "green_type"], grain="quarter"),
    Query(by=["level1", "level2"], grain="year"),
    Query(by=["institution", "enterprise_size"], grain="month", period_from="2024-06", period_to="2025-03"),
    Query(by=["industry_division", "institution_type"], grain="quarter", where={"green_type": ["green"]}),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return synthetic.write(tmp_path_factory.mktemp("parity"), rows=6000, first="2024-01", count=15, seed=11)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("lvrongtong-parity")
               .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield session
    session.stop()


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(a) == Decimal(b)
    return a == b


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{'+'.join(q.by) or 'total'}-{q.grain}")
def test_duckdb_and_spark_give_identical_cells(files, spark, query):
    sql = cube_sql(query)
    with DuckEngine(files) as duck:
        d_cols, d_rows = duck.rows(sql)
    s_cols, s_rows = SparkEngine(files, spark=spark).rows(sql)
    assert d_cols == s_cols
    assert len(d_rows) == len(s_rows) > 0
    for d, s in zip(d_rows, s_rows, strict=True):
        assert all(_same(x, y) for x, y in zip(d, s, strict=True)), (d, s)
    assert any(r[d_cols.index("balance_yoy")] is not None for r in d_rows) or query.period_from


def test_drill_down_same_loans(files, spark):
    q = Query(by=["district"], grain="month")
    rows_sql, count_sql = drill_sql(q, {"district": "500101"}, "2024-06", "stock", 20, 0)
    with DuckEngine(files) as duck:
        d_total = duck.scalar(count_sql)
        _, d_rows = duck.rows(rows_sql)
    engine = SparkEngine(files, spark=spark)
    assert engine.scalar(count_sql) == d_total > 0
    assert [r[0] for r in engine.rows(rows_sql)[1]] == [r[0] for r in d_rows]


def test_full_cube_in_one_pass_same_on_both(files, spark):
    from lvrongtong.statistics.definitions import FULL_CUBE

    sql = cube_sql(Query(grain="month"), FULL_CUBE)
    with DuckEngine(files) as duck:
        d_cols, d_rows = duck.rows(sql)
    s_cols, s_rows = SparkEngine(files, spark=spark).rows(sql)
    assert d_cols == s_cols and len(d_rows) == len(s_rows)
    for d, s in zip(d_rows, s_rows, strict=True):
        assert all(_same(x, y) for x, y in zip(d, s, strict=True)), (d, s)
    # a grouping set's cells equal the single-set cube's cells
    single = cube_sql(Query(by=["district"], grain="month"))
    with DuckEngine(files) as duck:
        cols, rows = duck.rows(single)
    by_district = {(r[0], r[1]): r[cols.index("balance_cny")] for r in rows}
    full = {(r[d_cols.index("district")], r[d_cols.index("t")]): r[d_cols.index("balance_cny")] for r in d_rows
            if r[d_cols.index("district")] != "*" and all(r[d_cols.index(k)] == "*" for k in d_cols[:d_cols.index("t")]
                                                          if k != "district")}
    assert full == by_district
