"""`forum.bulk.insert_returning`, the batch writer of the care run, on SQLite and PostgreSQL:
ids come back in the order of the rows, client-side defaults are applied, JSON and NULLs survive,
and a conflicting row is skipped instead of failing the batch."""

from datetime import datetime

from sqlalchemy import select

from forum import bulk
from forum.extensions import db
from forum.models import AuditLogEntry, OutboxMessage, ResponseOverdue
from tests.factories import make_question


def test_ids_come_back_in_the_order_of_the_rows_with_defaults_applied():
    rows = [{"kind": f"test.bulk-{n}", "payload": {"n": n, "text": "«é» \"quoted\""}} for n in range(1200)]
    ids = [message_id for (message_id,) in bulk.insert_returning(OutboxMessage, rows)]
    db.session.expire_all()
    stored = {m.id: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}
    assert len(ids) == len(set(ids)) == 1200
    assert [stored[i].kind for i in ids] == [row["kind"] for row in rows]
    assert [stored[i].payload for i in ids] == [row["payload"] for row in rows]
    assert all(isinstance(stored[i].created_at, datetime) and stored[i].available_at is not None for i in ids)


def test_nullable_columns_and_several_returned_columns():
    rows = [{"actor_id": None, "action": "case.auto_escalate", "target": f"CASE-{n}", "subject_id": None,
             "reason": "", "before": None, "after": {"question_id": n} if n % 2 else None} for n in range(5)]
    returned = bulk.insert_returning(AuditLogEntry, rows, ["target", "id"])
    assert [target for target, _id in returned] == [f"CASE-{n}" for n in range(5)]
    entries = {e.id: e for e in db.session.scalars(select(AuditLogEntry).where(
        AuditLogEntry.id.in_([entry_id for _t, entry_id in returned])))}
    assert [entries[entry_id].after for _t, entry_id in returned] == [None, {"question_id": 1}, None,
                                                                       {"question_id": 3}, None]


def test_a_row_that_conflicts_is_skipped_and_the_others_are_written():
    first, second = make_question(), make_question()
    due = datetime(2026, 11, 30, 9, 0)
    db.session.add(ResponseOverdue(question_id=first.id, due_at=due))
    db.session.flush()
    returned = bulk.insert_returning(ResponseOverdue, [{"question_id": first.id, "due_at": due},
                                                       {"question_id": second.id, "due_at": due}],
                                     ["question_id"], conflict_index=["question_id"])
    assert returned == [(second.id,)]
    notice = db.session.get(ResponseOverdue, second.id)
    assert notice.notified_at is not None


def test_no_rows_is_no_statement():
    assert bulk.insert_returning(OutboxMessage, []) == []
