"""Label matching as SPEC §3 describes it.

Labels match ignoring case, surrounding spaces, full-width/half-width forms
(NFKC), a trailing note in brackets (`目标值（必填）`) and the difference
between traditional and simplified characters (`工號` = `工号`).
"""

from __future__ import annotations

import re
import unicodedata

# Traditional → simplified for every character that occurs in cs-kpi's labels
# and closed-set values. A full converter would be a large dependency for the
# few hundred words a workbook header can hold.
_TRAD = "務責塊內負協辦標準開始狀態備註問題發時間嚴當處決計劃實際專項會議門確認評權級閾準異指維義目單計長額獎勵進議員號團隊崗職屬級數據價說細協議資訊務來源個點費編號戶聯繫絡優線違約連續減結類週動達節項專組處決規執行質溝通協應效過內與題規範達達錄獲"
_SIMP = "务责块内负协办标准开始状态备注问题发时间严当处决计划实际专项会议门确认评权级阈准异指维义目单计长额奖励进议员号团队岗职属级数据价说细协议资讯务来源个点费编号户联系络优线违约连续减结类周动达节项专组处决规执行质沟通协应效过内与题规范达达录获"
assert len(_TRAD) == len(_SIMP)
_TO_SIMPLIFIED = str.maketrans(_TRAD, _SIMP)

# A trailing note in brackets, ASCII or full-width (NFKC maps （） to ()).
_TRAILING_NOTE = re.compile(r"\s*[(\[【][^()\[\]【】]*[)\]】]\s*$")
_SPACES = re.compile(r"\s+")


def normalize_label(text: object) -> str:
    """The comparable form of a header label or a closed-set value."""
    if text is None:
        return ""
    label = unicodedata.normalize("NFKC", str(text)).strip()
    # Strip one or more trailing notes: "目标值（必填）" → "目标值".
    while True:
        stripped = _TRAILING_NOTE.sub("", label)
        if stripped == label or not stripped:
            break
        label = stripped
    label = _SPACES.sub(" ", label).strip().casefold()
    return label.translate(_TO_SIMPLIFIED)


def label_key_set(*labels: str) -> frozenset[str]:
    return frozenset(normalize_label(label) for label in labels if label)
