"""What the history store says when it cannot be used (SPEC §11; issue 11, point 6).

Each message names the store and says how to go on: wait and retry, fix the
file, or run without the history (`--no-history`). Raised as `InputError`
problems of the whole run (no sheet, no cell), so the CLI shows them like any
input problem: exit 1, nothing written.
"""

from __future__ import annotations

from cs_kpi.i18n import Text, register_codes

_GO_ON_ZH = "；或加 --no-history 不使用历史记录运行"
_GO_ON_EN = "; or add --no-history to run without the history"

HISTORY_LOCKED = Text(
    "历史记录库 {store} 正被另一次运行占用，等待 {seconds} 秒后仍未释放：请稍后重试" + _GO_ON_ZH,
    "the history store {store} is held by another run and was still busy after {seconds} s: "
    "try again in a moment" + _GO_ON_EN,
)
HISTORY_READ_ONLY = Text(
    "历史记录库 {store} 只读，无法写入：请检查文件及其文件夹的写权限，或用 --history 指定另一个位置"
    + _GO_ON_ZH,
    "the history store {store} is read-only: check that you may write the file and its folder, "
    "or give another place with --history" + _GO_ON_EN,
)
HISTORY_CANNOT_OPEN = Text(
    "无法打开或创建历史记录库 {store}（文件夹不存在、不可写，或这是一个文件夹）：请用 --history "
    "指定一个可写的文件" + _GO_ON_ZH,
    "cannot open or create the history store {store} (its folder is missing or not writable, "
    "or it is a folder): give a writable file with --history" + _GO_ON_EN,
)
HISTORY_CORRUPT = Text(
    "历史记录库 {store} 已损坏或不是 cs-kpi 的历史记录库：请移走该文件（历史可通过重新评分各期工作簿"
    "重建），或用 --history 指定另一个位置" + _GO_ON_ZH,
    "the history store {store} is damaged or not a database: move the file away (the history "
    "can be rebuilt by scoring each period's workbook again) or give another place with "
    "--history" + _GO_ON_EN,
)
HISTORY_NOT_A_STORE = Text(
    "{store} 是一个数据库，但不是 cs-kpi 的历史记录库（表：{tables}）：cs-kpi 不会改动它，请用 "
    "--history 指定另一个位置" + _GO_ON_ZH,
    "{store} is a database but not a cs-kpi history store (tables: {tables}); cs-kpi leaves it "
    "alone: give another place with --history" + _GO_ON_EN,
)
HISTORY_NEWER_SCHEMA = Text(
    "历史记录库 {store} 由更新版本的 cs-kpi 写入（结构版本 {found}，本版本只认识到 {known}）：请升级 "
    "cs-kpi" + _GO_ON_ZH,
    "the history store {store} was written by a newer cs-kpi (schema version {found}; this one "
    "knows up to {known}): upgrade cs-kpi" + _GO_ON_EN,
)
HISTORY_UNREACHABLE = Text(
    "无法连接历史数据库 {store}：{reason}。请检查地址、用户和服务器是否运行" + _GO_ON_ZH,
    "cannot connect to the history database {store}: {reason}. Check the address, the user "
    "and that the server is running" + _GO_ON_EN,
)
HISTORY_UNSUPPORTED_URL = Text(
    "不支持的历史记录库地址 {store}：请给出一个文件路径或 postgresql://用户@主机/数据库"
    + _GO_ON_ZH,
    "unsupported history store address {store}: give a file path or "
    "postgresql://user@host/database" + _GO_ON_EN,
)
HISTORY_FAILED = Text(
    "历史记录库 {store} 出错：{reason}" + _GO_ON_ZH,
    "the history store {store} failed: {reason}" + _GO_ON_EN,
)

register_codes(globals())
