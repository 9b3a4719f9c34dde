#!/usr/bin/env python3
"""Exports Vietnam's days off for public servants from the pinned python-holidays, shaped like plans/holidays/.

Prints JSON on stdout: the dataset's version and, for each year asked, its days off and make-up working days named
as dondoc's files name them. `dondoc holidays generate` writes plans/holidays/*.yaml from it (keeping each file's
status, source and names, and the differences listed in plans/holidays/overrides.yaml); `dondoc holidays check`
compares the shipped files with it. Run it through the venv those commands install (scripts/holidays-requirements.txt).

    holidays-from-dataset.py --from 2019 --to 2027
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, timedelta

import holidays
from holidays.countries.vietnam import Vietnam, VietnamStaticHolidays

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ Nhật"]
STEMS = ["Canh", "Tân", "Nhâm", "Quý", "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ"]
BRANCHES = ["Thân", "Dậu", "Tuất", "Hợi", "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi"]

# The dataset's Vietnamese names of the Tết days (the holiday itself and the days it is moved to).
TET = {
    "29 Tết",
    "Giao thừa Tết Nguyên Đán",
    "Tết Nguyên Đán",
    "Mùng hai Tết Nguyên Đán",
    "Mùng ba Tết Nguyên Đán",
    "Mùng bốn Tết Nguyên Đán",
    "Mùng năm Tết Nguyên Đán",
    "Mùng sáu Tết Nguyên Đán",
}
# The dataset's names → the names dondoc's files use (the date makes the holiday clear to an officer).
NAMES = {
    "Tết Dương lịch": "Tết Dương lịch",
    "Ngày Giỗ Tổ Hùng Vương": "Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng": "Ngày Chiến thắng 30/4",
    "Ngày Quốc tế Lao động": "Ngày Quốc tế Lao động 1/5",
    "Quốc khánh": "Quốc khánh 2/9",
    "Ngày Văn hóa Việt Nam": "Ngày Văn hóa Việt Nam 24/11",
}
OBSERVED = " (nghỉ bù)"


def vi_date(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def can_chi(year: int) -> str:
    return f"{STEMS[year % 10]} {BRANCHES[year % 12]}"


def swaps() -> list[tuple[date, date]]:
    """Every (day off, make-up working day) pair the dataset lists from a decision."""
    out = []
    for year, entries in VietnamStaticHolidays.special_public_holidays.items():
        if isinstance(entries[0], int):
            entries = (entries,)
        for e in entries:
            work_year = e[4] if len(e) > 4 else year
            out.append((date(year, e[0], e[1]), date(work_year, e[2], e[3])))
    return out


def references(year: int) -> list[str]:
    """The decisions the dataset cites for a year (its docstring lists them as `[2018-2019](url)`)."""
    out = []
    for label, url in re.findall(r"\[([0-9]{4}(?:-[0-9]{4})?)\]\((\S+?)\)", VietnamStaticHolidays.__doc__ or ""):
        first, _, last = label.partition("-")
        if int(first) <= year <= int(last or first):
            out.append(url)
    return out


def export(first: int, last: int) -> dict:
    raw: dict[date, str] = {}
    for d, name in Vietnam(years=range(first - 1, last + 2), language="vi").items():
        raw[d] = name
    pairs = swaps()
    swap_off = {off: work for off, work in pairs}
    years = {y: {"year": y, "references": references(y), "daysOff": [], "workingDays": []} for y in range(first, last + 1)}

    def put(year: int, key: str, entry: dict) -> None:
        if year in years:
            years[year][key].append(entry)

    # Tết: the dataset's Tết days and the weekends that join them form one break, named with the lunar year.
    tet_days = sorted(d for d, n in raw.items() if n in TET and d not in swap_off)
    blocks: list[list[date]] = []
    for d in tet_days:
        if blocks and (d - blocks[-1][-1]).days <= 3 and all(
            (blocks[-1][-1] + timedelta(days=i)).weekday() >= 5 for i in range(1, (d - blocks[-1][-1]).days)
        ):
            blocks[-1].append(d)
        else:
            blocks.append([d])
    for block in blocks:
        start, end = block[0], block[-1]
        while (start - timedelta(days=1)).weekday() >= 5:
            start -= timedelta(days=1)
        while (end + timedelta(days=1)).weekday() >= 5:
            end += timedelta(days=1)
        lunar_year = max(block, key=lambda d: raw[d] == "Tết Nguyên Đán").year
        name = f"Tết Nguyên Đán {can_chi(lunar_year)}"
        d = start
        while d <= end:
            put(d.year, "daysOff", {"date": d.isoformat(), "name": name, "holiday": "Tết Nguyên Đán", "kind": "holiday"})
            d += timedelta(days=1)

    for d, name in sorted(raw.items()):
        if name in TET or d in swap_off:
            continue
        if name.endswith(OBSERVED):
            base = name[: -len(OBSERVED)]
            originals = [o for o, n in raw.items() if n == base and o < d and o.weekday() >= 5]
            label = NAMES.get(base, base)
            when = f" ({WEEKDAYS[max(originals).weekday()]})" if originals else ""
            put(d.year, "daysOff", {"date": d.isoformat(), "name": f"Nghỉ bù {label}{when}", "holiday": base, "kind": "observed"})
        else:
            put(d.year, "daysOff", {"date": d.isoformat(), "name": NAMES.get(name, name), "holiday": name, "kind": "holiday"})

    # A swap belongs to the year of its later day (31/12/2018 off, 5/1/2019 worked: the 2019 New Year break).
    for off, work in pairs:
        near = sorted(
            (abs((d - off).days), NAMES.get(n, n)) for d, n in raw.items() if d not in swap_off and abs((d - off).days) <= 3
        )
        occasion = f"dịp {near[0][1]} " if near else ""
        year = max(off, work).year
        put(year, "daysOff", {
            "date": off.isoformat(),
            "name": f"Nghỉ hoán đổi {occasion}(làm bù {WEEKDAYS[work.weekday()]} {vi_date(work)})",
            "holiday": "Nghỉ hoán đổi",
            "kind": "swap",
        })
        put(year, "workingDays", {
            "date": work.isoformat(),
            "name": f"Làm bù cho {WEEKDAYS[off.weekday()]} {vi_date(off)}",
            "holiday": "Làm bù",
            "kind": "swap",
        })

    for y in years.values():
        y["daysOff"].sort(key=lambda e: e["date"])
        y["workingDays"].sort(key=lambda e: e["date"])
    return {"dataset": "holidays", "version": holidays.__version__, "years": list(years.values())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="first", type=int, required=True)
    parser.add_argument("--to", dest="last", type=int, required=True)
    args = parser.parse_args()
    if not 1995 <= args.first <= args.last <= 2200:
        parser.error("expected 1995 <= --from <= --to <= 2200")
    # UTF-8 whatever the locale says: the names are Vietnamese.
    sys.stdout.buffer.write(json.dumps(export(args.first, args.last), ensure_ascii=False, indent=1).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
