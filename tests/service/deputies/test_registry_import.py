"""Bulk import of the registry over HTTP: CSV and XLSX, every bad row reported, all or nothing
or the valid rows, re-import updates instead of duplicating."""

from __future__ import annotations

from typing import Any

import httpx

from jiandu_deputies.service_layer.unit_of_work import DeputiesUnitOfWork
from jiandu_shared.service import Service
from jiandu_shared.web.auth import Role
from tests.service.deputies.test_registry_http import STAFF, registry_events
from tests.support.deputies_files import ENGLISH_HEADERS, DeputyRoster
from tests.support.services import auth

BAD: dict[int, Any] = {
    3: "bad_phone",
    10: "bad_level",
    17: "missing_name",
    25: "duplicate_key",
    40: "bad_birth_year",
    55: "unknown_published",
    70: "bad_email",
    90: "missing_registry_number",
    120: "bad_gender",
}


async def upload(
    client: httpx.AsyncClient, files: dict[str, Any], mode: str | None = None
) -> httpx.Response:
    url = "/deputies/imports" + (f"?mode={mode}" if mode else "")
    return await client.post(url, files=files, headers=STAFF)


async def total(client: httpx.AsyncClient) -> int:
    page = (await client.get("/deputies?limit=1", headers=STAFF)).json()
    count: int = page["total"]
    return count


async def test_all_or_nothing_refuses_and_lists_every_bad_row(
    deputies: httpx.AsyncClient,
) -> None:
    roster = DeputyRoster.generate(300, bad=BAD)
    response = await upload(deputies, roster.upload("csv"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Import refused"
    assert {e["line"] for e in problem["errors"]} == roster.bad_lines
    assert problem["report"]["rejected"] == len(roster.bad_lines) == 10
    assert problem["report"]["committed"] is False
    reasons = {e["line"]: " ".join(e["reasons"]) for e in problem["errors"]}
    assert "phone" in reasons[3 + 2]
    assert "level" in reasons[10 + 2]
    assert "name is required" in reasons[17 + 2]
    assert "other lines too: 27" in reasons[25 + 1]
    assert "other lines too: 26" in reasons[25 + 2]
    assert "birth year" in reasons[40 + 2]
    assert "unknown fields" in reasons[55 + 2]
    assert "email" in reasons[70 + 2]
    assert "registry number is required" in reasons[90 + 2]
    assert "gender" in reasons[120 + 2]
    assert await total(deputies) == 0


async def test_valid_rows_mode_imports_the_rest_then_reimport_updates(
    deputies: httpx.AsyncClient, deputies_service: tuple[Service[DeputiesUnitOfWork], Any]
) -> None:
    roster = DeputyRoster.generate(300, bad=BAD)
    response = await upload(deputies, roster.upload("xlsx"), mode="valid_rows")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["file_kind"] == "xlsx"
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (
        290,
        0,
        0,
        10,
    )
    assert {e["line"] for e in report["errors"]} == roster.bad_lines
    assert await total(deputies) == 290

    # The same file again: nothing new, nothing changed.
    again = (await upload(deputies, roster.upload("csv"), mode="valid_rows")).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 290)
    assert await total(deputies) == 290

    # Corrected rows and changed positions: the fixed rows are created, the changed updated.
    fixed = DeputyRoster.generate(300)
    fixed.rows[0]["position"] = "县人大常委会委员"
    fixed.rows[1]["phone"] = "13999999999"
    final = (await upload(deputies, fixed.upload("csv"))).json()
    assert final["committed"] is True
    assert (final["created"], final["updated"], final["unchanged"], final["rejected"]) == (
        10,  # the nine bad rows and the row the duplicate repeated
        2,
        288,
        0,
    )
    assert await total(deputies) == 300
    events = await registry_events(deputies_service[0])
    kinds = [e["type"] for e in events]
    assert kinds.count("deputies.deputy.registered") == 300
    assert kinds.count("deputies.deputy.updated") == 2
    summaries = [e["data"] for e in events if e["type"] == "deputies.deputy_import.completed"]
    assert [(s["created"], s["rejected"]) for s in summaries] == [(290, 10), (0, 10), (10, 0)]
    assert all(s["imported_by"] == "staff-1" for s in summaries)


async def test_reimport_keeps_the_public_code_and_values_of_absent_columns(
    deputies: httpx.AsyncClient,
) -> None:
    roster = DeputyRoster.generate(3)
    assert (await upload(deputies, roster.upload("csv"))).status_code == 200
    before = (await deputies.get("/deputies", headers=STAFF)).json()["items"]
    # A file without the phone column, with English headers: phones are kept.
    slim = DeputyRoster(
        roster.rows, headers={k: v for k, v in ENGLISH_HEADERS.items() if k != "phone"}
    )
    slim.rows[0]["unit"] = "新单位"
    report = (await upload(deputies, slim.upload("csv"))).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 2)
    after = (await deputies.get("/deputies", headers=STAFF)).json()["items"]
    assert [d["public_code"] for d in after] == [d["public_code"] for d in before]
    assert [d["phone"] for d in after] == [d["phone"] for d in before]
    assert after[0]["unit"] == "新单位"


async def test_gbk_csv_and_semicolons(deputies: httpx.AsyncClient) -> None:
    roster = DeputyRoster.generate(5)
    data = roster.csv_bytes(encoding="gbk", delimiter=";")
    response = await upload(deputies, {"file": ("名册.csv", data, "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["file_kind"] == "csv (gb18030)"
    assert response.json()["created"] == 5
    names = {d["name"] for d in (await deputies.get("/deputies", headers=STAFF)).json()["items"]}
    assert names == {r["name"] for r in roster.rows}


async def test_unreadable_files_are_422(deputies: httpx.AsyncClient) -> None:
    cases = {
        "empty": b"",
        "no required columns": "姓名,手机\n王芳,13800138000\n".encode(),
        "header only": "层级,代表证号,姓名,选区\n".encode(),
        "broken xlsx": b"PK\x03\x04not really a zip",
        "binary": bytes(range(256)) * 4,
    }
    for label, data in cases.items():
        response = await upload(deputies, {"file": ("x.csv", data, "text/csv")})
        assert response.status_code == 422, (label, response.text)
        assert response.json()["title"] == "Invalid file", label
    missing = await upload(
        deputies, {"file": ("x.csv", "姓名,手机\n王芳,13800138000\n".encode(), "text/csv")}
    )
    assert "层级 (level)" in missing.json()["detail"]


async def test_import_limits_and_roles(deputies: httpx.AsyncClient) -> None:
    roster = DeputyRoster.generate(2)
    for role in (Role.DEPUTY, Role.DEPARTMENT, Role.CITIZEN):
        response = await deputies.post(
            "/deputies/imports", files=roster.upload("csv"), headers=auth(role)
        )
        assert response.status_code == 403
    huge = b"x" * (10 * 1024 * 1024 + 1)
    too_large = await upload(deputies, {"file": ("big.csv", huge, "text/csv")})
    assert too_large.status_code == 413
    assert (await upload(deputies, roster.upload("csv"), mode="sometimes")).status_code == 422
    columns = (await deputies.get("/deputies/import-columns", headers=STAFF)).json()
    assert [c["header"] for c in columns if c["required"]] == ["层级", "代表证号", "姓名", "选区"]
