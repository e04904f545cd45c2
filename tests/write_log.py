"""A log of writes, kept by database triggers: did a submission write its row exactly once?

Counting Response rows cannot tell: submitting never creates one. Triggers see every UPDATE that
leaves a response submitted and every write to the answers or comments of a submitted response,
from any thread, connection or live server, on SQLite and on PostgreSQL. Test infrastructure
only: the triggers are created for one test and dropped after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

SQLITE = [
    "CREATE TABLE test_write_log (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, response_id INTEGER)",
    """CREATE TRIGGER test_log_submit AFTER UPDATE ON assessments_response FOR EACH ROW
       WHEN NEW.status = 'submitted'
       BEGIN INSERT INTO test_write_log (kind, response_id) VALUES ('submit', NEW.id); END""",
]
for table, kind in (("assessments_answer", "answer"), ("assessments_comment", "comment")):
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        SQLITE.append(
            f"""CREATE TRIGGER test_log_{kind}_{event.lower()} AFTER {event} ON {table}
            FOR EACH ROW WHEN (SELECT status FROM assessments_response
                               WHERE id = {row}.response_id) = 'submitted'
            BEGIN INSERT INTO test_write_log (kind, response_id)
                  VALUES ('{kind}', {row}.response_id); END"""
        )

POSTGRESQL = [
    "CREATE TABLE test_write_log (id serial PRIMARY KEY, kind text, response_id bigint)",
    """CREATE FUNCTION test_log_submit() RETURNS trigger AS $$
       BEGIN INSERT INTO test_write_log (kind, response_id) VALUES ('submit', NEW.id);
       RETURN NULL; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER test_log_submit AFTER UPDATE ON assessments_response FOR EACH ROW
       WHEN (NEW.status = 'submitted') EXECUTE FUNCTION test_log_submit()""",
    """CREATE FUNCTION test_log_child() RETURNS trigger AS $$
       DECLARE rid bigint;
       BEGIN
         IF TG_OP = 'DELETE' THEN rid := OLD.response_id; ELSE rid := NEW.response_id; END IF;
         IF (SELECT status FROM assessments_response WHERE id = rid) = 'submitted' THEN
           INSERT INTO test_write_log (kind, response_id) VALUES (TG_ARGV[0], rid);
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER test_log_answer AFTER INSERT OR UPDATE OR DELETE ON assessments_answer
       FOR EACH ROW EXECUTE FUNCTION test_log_child('answer')""",
    """CREATE TRIGGER test_log_comment AFTER INSERT OR UPDATE OR DELETE ON assessments_comment
       FOR EACH ROW EXECUTE FUNCTION test_log_child('comment')""",
]

DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS test_log_submit",
    *[
        f"DROP TRIGGER IF EXISTS test_log_{kind}_{event}"
        for kind in ("answer", "comment")
        for event in ("insert", "update", "delete")
    ],
    "DROP TABLE IF EXISTS test_write_log",
]
DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS test_log_submit ON assessments_response",
    "DROP TRIGGER IF EXISTS test_log_answer ON assessments_answer",
    "DROP TRIGGER IF EXISTS test_log_comment ON assessments_comment",
    "DROP FUNCTION IF EXISTS test_log_submit()",
    "DROP FUNCTION IF EXISTS test_log_child()",
    "DROP TABLE IF EXISTS test_write_log",
]


@dataclass
class WriteLog:
    def count(self, kind: str, response_id: int | None = None) -> int:
        sql = "SELECT COUNT(*) FROM test_write_log WHERE kind = %s"
        params: list = [kind]
        if response_id is not None:
            sql += " AND response_id = %s"
            params.append(response_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def writes_after_submit(self, response_id: int) -> int:
        """Writes to the answers and comments of the response once it was submitted."""
        return self.count("answer", response_id) + self.count("comment", response_id)


def install() -> WriteLog:
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    uninstall()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return WriteLog()


def uninstall() -> None:
    statements = DROP_POSTGRESQL if connection.vendor == "postgresql" else DROP_SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
