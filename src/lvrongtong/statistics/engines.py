"""Run the cube's SQL (statistics/definitions.py) on an engine: DuckDB here, Spark on a cluster.

Both take the list of Parquet files in force and expose them as the relation ``loans``; the SQL
text is the same for both.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from lvrongtong.reporting.store import SCHEMA


def _empty_relation(con) -> None:
    con.register("loans_empty", pa.Table.from_batches([], schema=SCHEMA))
    con.execute("CREATE OR REPLACE TEMP VIEW loans AS SELECT * FROM loans_empty")


class DuckEngine:
    """An in-process DuckDB over the given Parquet files (read in place, never copied)."""

    name = "duckdb"

    def __init__(self, files: list[str], threads: int | None = None):
        import duckdb

        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if files:
            self.con.read_parquet(files, hive_partitioning=False).create_view("loans", replace=True)
        else:
            _empty_relation(self.con)

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        result = self.con.execute(sql)
        return [d[0] for d in result.description], result.fetchall()

    def scalar(self, sql: str) -> Any:
        return self.con.execute(sql).fetchone()[0]

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SparkEngine:
    """The same SQL on Apache Spark (``pip install 'lvrongtong[spark]'``; Java 17).

    ``master`` is ``local[2]`` for tests and one machine, or a cluster URL (docs/operations.md)."""

    name = "spark"

    def __init__(self, files: list[str], master: str = "local[2]", spark=None):
        if spark is None:
            from pyspark.sql import SparkSession

            spark = (SparkSession.builder.master(master).appName("lvrongtong-statistics")
                     .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                     .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        self.spark = spark
        frame = spark.read.schema(_spark_schema()).parquet(*files) if files else \
            spark.createDataFrame([], _spark_schema())
        frame.createOrReplaceTempView("loans")

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = self.spark.sql(sql)
        return frame.columns, [tuple(r) for r in frame.collect()]

    def scalar(self, sql: str) -> Any:
        return self.spark.sql(sql).collect()[0][0]

    def close(self) -> None:  # the session is shared by the process; stop it with spark.stop()
        pass


def _spark_schema():
    from pyspark.sql import types as T

    def convert(t: pa.DataType):
        if pa.types.is_decimal(t):
            return T.DecimalType(t.precision, t.scale)
        return {pa.string(): T.StringType(), pa.date32(): T.DateType(), pa.bool_(): T.BooleanType(),
                pa.int32(): T.IntegerType(), pa.int16(): T.ShortType(), pa.int8(): T.ByteType()}[t]

    return T.StructType([T.StructField(f.name, convert(f.type), True) for f in SCHEMA])
