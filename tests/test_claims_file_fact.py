"""A claims run names the bundled claims file by its place in the data package, not by the
server's install path (a public page showed /work/.../site-packages/moneytrail/...)."""

from pathlib import Path

from moneytrail.data.package import bundled_path
from moneytrail.service.tasks import claims_file_fact


def test_the_bundled_claims_file_is_named_inside_the_package():
    root = bundled_path()
    fact = claims_file_fact(root / "analysis" / "claims.yaml", root)
    assert fact == "the data package's analysis/claims.yaml"
    assert str(root) not in fact


def test_another_claims_file_keeps_the_path_it_was_given(tmp_path):
    mine = tmp_path / "my-claims.yaml"
    assert claims_file_fact(mine, bundled_path()) == str(mine)
    assert claims_file_fact(Path("claims.yaml"), bundled_path()) == "claims.yaml"
