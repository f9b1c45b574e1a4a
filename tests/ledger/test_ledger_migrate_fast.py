"""Opening a store already at the newest migration skips Alembic (issue 8, demo speed), and
the head revision read from the scripts is Alembic's own."""

from __future__ import annotations

import subprocess
import sys

from moneytrail.ledger import connection, migrate


def test_head_revision_is_alembics_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()


def test_a_current_store_opens_without_alembic_and_an_old_one_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = connection.open_engine(url)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    migrate.upgrade(engine)                       # old: Alembic migrates it
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
    code = ("import sys; from moneytrail.ledger import connection, migrate; "
            f"e = connection.open_engine({url!r}); migrate.upgrade(e); "
            "print(any(m.split('.')[0] == 'alembic' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert out.stdout.strip() == "False"


def test_a_new_store_has_no_revision(tmp_path):
    engine = connection.open_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert migrate.current_revision(engine) is None
    engine.dispose()
