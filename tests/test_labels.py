"""Label matching (SPEC §3): case, spaces, full/half width, bracket notes, zh-Hant."""

from __future__ import annotations

import pytest

from cs_kpi import schema
from cs_kpi.labels import FirstSpelling, normalize_label, text_key

# Every zh label of the schema (sheet names, columns, settings, closed-set
# values) in traditional characters, written by hand, in schema order.
TRADITIONAL = """
任務責任分工表 任務模塊 子任務內容 負責人 協辦人 交付標準 開始日期 截止日期 狀態 完成日期 備註
節假日 日期 類型 名稱
問題跟蹤表 問題描述 發生時間 嚴重程度 責任人 當前狀態 解決方案 計劃完成時間 實際完成時間 專項會議時間
協作需求單 需求方 協作部門 需求內容 期望交付成果 提出日期 需求方負責人 接收方確認人 確認日期 交付日期
考核方案 考核週期 週期開始 週期結束 自評權重 互評權重 上級評價權重 定量指標佔比 等級方案 改進計劃閾值
校準差異閾值 指標 維度 指標定義 方向 目標值 單位 權重 計分方式 扣分步長 每步扣分 超額獎勵 改進建議
評分項 評分標準 員工 工號 姓名 團隊 崗位 入職日期 直屬上級 指標數據 360評價 自評 互評 上級評價
加權得分 互評明細 評價人 被評價人工號 分數 校準結果 校準後分數 說明 個人改進計劃 存在不足 改進目標 行動項 完成時間 跟蹤人
跟蹤狀態 是否必須 協議信息 協議編號 甲方（客戶方） 乙方（服務提供方） 服務週期開始 服務週期結束 生效日期
到期日期 甲方聯繫人 乙方聯繫人 服務目標 月度服務費 優秀線 合格線 違約連續月數 違約扣減比例 服務標準
服務模塊 服務內容 服務渠道 服務時間 標準要求 數據來源 考核指標 標準值 每差1個百分點扣分 月度數據
月份 未開始 進行中 已完成 延期 一般 重大 待處理 處理中 已解決 越高越好 越低越好 扣分法 比率法 是 否
四級 SABC 專員 組長 主管 未達成 休息日 調休上班
""".split()


def schema_labels() -> list[str]:
    """The zh labels in the order TRADITIONAL lists them."""
    labels: list[str] = []
    for kind in schema.KINDS:
        for sheet in kind.sheets:
            labels.append(sheet.zh)
            labels += [c.zh for c in getattr(sheet, "columns", ())]
            labels += [s.zh for s in getattr(sheet, "settings", ())]
    for choices in (
        schema.TASK_STATUS,
        schema.SEVERITY,
        schema.ISSUE_STATUS,
        schema.DIRECTION,
        schema.METHOD,
        schema.YES_NO,
        schema.GRADE_SCHEME,
        schema.ROLE,
        schema.PLAN_STATUS,
        schema.DAY_TYPE,
    ):
        labels += [option.zh for option in choices.options]
    return list(dict.fromkeys(labels))


def test_every_schema_label_matches_in_traditional_characters():
    simplified = schema_labels()
    assert len(simplified) == len(TRADITIONAL)
    for hans, hant in zip(simplified, TRADITIONAL, strict=True):
        assert normalize_label(hant) == normalize_label(hans), (hant, hans)


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("目标值（必填）", "目标值"),  # SPEC §3 example
        ("目标值 (必填)", "目标值"),
        ("目标值【必填】", "目标值"),
        ("权重(%) [分]", "权重"),  # more than one note
        ("上级评价\n（0-10分）", "上级评价"),
        ("工號", "工号"),
        ("上級評價", "上级评价"),
        ("  工号  ", "工号"),
        ("姓　名", "姓名"),  # a full-width space to align two-character labels
        ("上级\n评价", "上级评价"),  # a line break inside the header cell
        ("*工号", "工号"),
        ("工号＊", "工号"),
        ("考核周期：", "考核周期"),
        ("\ufeff工号\u200b", "工号"),
        ("ＡＧＥＮＴ　ＩＤ", "Agent ID"),
        ("agent id", "Agent ID"),
        ("Agent  ID", "Agent ID"),
        ("360 评价", "360评价"),
        ("Points per percentage point", "points per  percentage point"),
    ],
)
def test_label_forms(typed, label):
    assert normalize_label(typed) == normalize_label(label)


@pytest.mark.parametrize(
    ("one", "other"),
    [("工号", "姓名"), ("Agent ID", "AgentID"), ("评分项", "评分项目"), ("指标", "考核指标")],
)
def test_different_labels_stay_different(one, other):
    assert normalize_label(one) != normalize_label(other)


def test_a_label_that_is_only_a_note_is_kept():
    assert normalize_label("（必填）") == "(必填)"
    assert normalize_label(None) == ""


def test_columns_and_sheets_match_through_the_schema():
    assert schema.ROSTER.column("id").matches("工號（必填）")
    assert schema.ROSTER.column("id").matches("employee id")
    assert schema.REVIEWS.column("manager").matches("上級評價")
    assert schema.REVIEWS.matches("360評價")
    assert schema.AGREEMENT.matches("協議資訊")  # the Taiwanese word for 信息
    assert schema.AGREEMENT.setting("client").matches("甲方（客戶方）")
    assert schema.DIRECTION.lookup()[normalize_label("越高越好")] == "higher"
    assert schema.TASK_STATUS.lookup()[normalize_label("進行中")] == "in_progress"


def test_a_grouping_text_ignores_width_case_and_spaces_but_keeps_brackets():
    assert text_key("１组") == text_key("1组 ") == text_key("1 组") == text_key("1组\u3000")
    assert text_key("Team A") == text_key("team a") == text_key("ＴＥＡＭ Ａ")
    assert text_key("一组（夜班）") == text_key("一组(夜班)")
    assert text_key("一组（夜班）") != text_key("一组（白班）") != text_key("一组")


def test_each_text_is_shown_as_first_typed():
    spelling = FirstSpelling()
    assert [spelling(t) for t in ["１组", "1组", "二组", "1 组", "", "二組"]] == [
        "１组",
        "１组",
        "二组",
        "１组",
        "",
        "二組",  # traditional and simplified are different teams: only labels fold them
    ]
