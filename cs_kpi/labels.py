"""Label matching as SPEC §3 describes it.

Labels match ignoring case, surrounding spaces, full-width/half-width forms
(NFKC), a trailing note in brackets (`目标值（必填）`) and the difference
between traditional and simplified characters (`工號` = `工号`).

Beyond the letter of SPEC §3 (decisions for the README), because Chinese
forms are typed this way:
- spaces next to a Chinese character are dropped (`姓　名` = `姓名`, a
  line break inside a header cell `上级\\n评价` = `上级评价`); spaces between
  Latin words count as one (`Agent  ID` = `Agent ID`);
- a required-field asterisk (`*工号`, `工号＊`) and a trailing colon
  (`考核周期：`) are ignored;
- zero-width characters and the BOM are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Traditional → simplified for every character that occurs in cs-kpi's labels
# and closed-set values, and in the help-desk column names of SPEC §8. A
# full converter would be a large dependency for the few hundred words a
# workbook header can hold; tests/test_labels.py checks every label of the
# schema in its traditional form.
_PAIRS = (
    "務务 責责 塊块 內内 負负 協协 辦办 標标 準准 開开 狀状 態态 備备 註注 問问 題题 發发 時时 間间"
    " 嚴严 當当 處处 決决 計计 劃划 實实 際际 專专 項项 會会 議议 門门 確确 認认 評评 權权 級级 閾阈"
    " 異异 維维 義义 單单 長长 額额 獎奖 勵励 進进 員员 號号 團团 隊队 崗岗 職职 屬属 數数 據据 價价"
    " 說说 細细 資资 訊讯 來来 源源 個个 點点 費费 編编 戶户 聯联 繫系 係系 絡络 優优 線线 綫线 違违"
    " 約约 連连 續续 減减 結结 類类 週周 動动 達达 節节 組组 規规 執执 質质 溝沟 通通 應应 效效 過过"
    " 與与 範范 錄录 獲获 績绩 蹤踪 須须 別别 檔档 為为 從从 後后 產产 種种 總总 則则 關关 護护 錯错"
    " 誤误 讀读 寫写 檢检 報报 顧顾 訴诉 話话 電电 郵邮 創创 響响 滿满 閉闭 轉转 區区 體体 復复 複复"
    " 幣币 帳账 賬账 務务 處处 評评 審审 核核 頁页 圖图 表表 設设 週周 況况 級级 級级 歷历 貢贡 獻献"
    " 訓训 練练 試试 參参 與与 資资 訊讯 勤勤 遲迟 缺缺 處处 簽签 傳传 遞递 驗验 運运 營营 銷销 售售 佔占 稱称 調调"
)
_TRAD = "".join(pair[0] for pair in _PAIRS.split())
_SIMP = "".join(pair[1] for pair in _PAIRS.split())
_TO_SIMPLIFIED = str.maketrans(_TRAD, _SIMP)

# A trailing note in brackets, ASCII or full-width (NFKC maps （） to ()).
_TRAILING_NOTE = re.compile(r"\s*[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]\s*$")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DECORATION = re.compile(r"^[\s*※]+|[\s*※:]+$")
_SPACES = re.compile(r"\s+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def to_simplified(text: str) -> str:
    """Traditional characters of cs-kpi's vocabulary → simplified."""
    return text.translate(_TO_SIMPLIFIED)


def text_key(text: str) -> str:
    """The comparable form of a free text that groups rows, such as a team or a dimension:
    width (NFKC), case and every space ignored (`１组`, `1组 ` and `1 组` are one team).
    Unlike `normalize_label` a bracketed part is kept (`一组（夜班）` and `一组（白班）` are
    two teams) and traditional characters are not simplified."""
    return _SPACES.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))).casefold()


def normalize_label(text: object) -> str:
    """The comparable form of a header label or a closed-set value."""
    if text is None:
        return ""
    if isinstance(text, str):
        return _normalize_text(text)
    return _normalize(str(text))


# Workbooks repeat the same few labels and choice values in every row (an
# item name 90,000 times at 10,000 people): normalise each distinct text once.
@lru_cache(maxsize=8192)
def _normalize_text(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    label = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()
    label = _DECORATION.sub("", label)
    # Strip one or more trailing notes: "目标值（必填）" → "目标值".
    while True:
        stripped = _DECORATION.sub("", _TRAILING_NOTE.sub("", label))
        if stripped == label or not stripped:
            break
        label = stripped
    label = _SPACE_BY_CJK.sub("", label)
    label = _SPACES.sub(" ", label).strip().casefold()
    return to_simplified(label)


class FirstSpelling:
    """Texts that group rows, each shown as first typed among those with its `text_key`
    (SPEC §2): a team typed `１组` in one row and `1组 ` in another is one team, shown
    `１组`."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text:
            return text
        return self.first.setdefault(text_key(text), text)
