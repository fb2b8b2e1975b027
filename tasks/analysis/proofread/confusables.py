"""Commonly confused words of official writing, flagged only where their context makes them wrong.

Each rule matches the word with the context that rules it out: 截止 takes no object, so 截止 + a time
point is wrong (截至2023年底，…), while 报名截止 / 截止日期 / 截止到 are right. The usage notes are those
of the 现代汉语规范词典 and common 公文 practice, written down here as the project's own patterns.
Where usage is divided (做出成绩, 制订计划), there is no rule: a doubt nobody can settle is noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tasks.text.words import tagged

from .finding import Finding, Locator

_DATE_POINT = (
    r"(?:[0-9０-９]{2,4}年|[0-9０-９]{1,2}月|[一二三四五六七八九十]{1,3}月|"
    r"目前|当前|现在|今年|去年|上年|本年|年底|年末|今天|今日|昨天|昨日|本月|上月|上半年|发稿时)"
)
_NUMBER = "[一二三四五六七八九十百千万几数两]"


def _verb_follows(text: str, end: int) -> bool:
    """Whether the word right after `end` is a verb, adverb, preposition or verb phrase (jieba's tag)."""
    window = re.split(r"[，。；：！？、\s]", text[end : end + 8], maxsplit=1)[0]
    words = tagged(window) if window else []
    # "l": a set phrase such as 高度重视, 切实加强; "a" covers "ad", an adjective as adverb.
    return bool(words) and words[0][1][:1] in "vdpal" and words[0][1] != "vn"


def _no_correlative(text: str, end: int) -> bool:
    """既 … 又/也/还 is a correlative pair; 既使 without one is 即使 miswritten."""
    clause = re.split(r"[。；！？\n]", text[end : end + 40], maxsplit=1)[0]
    return not re.search("[又也还更]", clause)


@dataclass(frozen=True)
class ContextRule:
    word: str  # as written in the text
    right: str  # what the context calls for
    why: str
    pattern: re.Pattern[str]  # group "w" is the word; the rest is context
    holds: Callable[[str, int], bool] | None = None  # a further test at the word's end offset


def _rule(
    word: str,
    right: str,
    why: str,
    before: str = "",
    after: str = "",
    holds: Callable[[str, int], bool] | None = None,
) -> ContextRule:
    left = f"(?:{before})" if before else ""
    ahead = f"(?={after})" if after else ""
    return ContextRule(word, right, why, re.compile(f"{left}(?P<w>{word}){ahead}"), holds)


RULES: tuple[ContextRule, ...] = (
    _rule(
        "截止",
        "截至",
        "截止 takes no object; before a time point it is 截至 (or 截止到/截止于)",
        before="(?<!报名)(?<!申报)(?<!申请)(?<!征集)(?<!受理)(?<!登记)(?<!投票)(?<!提交)",
        after=_DATE_POINT,
    ),
    _rule("截至", "截止", "截至 needs a time point; as an end it is 截止", after="日期|期限|[。；！]"),
    _rule("截至到", "截至", "截至 already means 'up to': 截至 or 截止到"),
    _rule(
        "必需",
        "必须",
        "必需 is 'needed' (必需品); before a verb it is the adverb 必须",
        after="(?!品)",
        holds=_verb_follows,
    ),
    _rule("必须品", "必需品", "the noun is 必需品"),
    _rule("必须", "必需", "必须 is an adverb; 'what is needed' is 所必需的", before="所", after="的"),
    _rule("权力", "权利", "rights and duties: 权利和义务", after="[和与及、]义务"),
    _rule("权力", "权利", "rights and duties: 义务和权利", before="义务[和与及、]"),
    _rule(
        "权利",
        "权力",
        "power (authority) is 权力: 权力机关, 权力运行, 把权力关进制度的笼子",
        after="机关|寻租|运行|下放|腐败|关进",
    ),
    _rule(
        "制订",
        "制定",
        "laws and policies are 制定 (fixed); 制订 is drafting a plan",
        after=r"(?:了|出)?(?:一系列|一批|多项|相关|有关|新的)?[^，。；、\s]{0,4}?(?:法律|法规|宪法|政策|方针|路线)",
    ),
    _rule(
        "做出",
        "作出",
        "abstract acts (决定, 部署, 批示 …) are 作出",
        after="(?:了|过)?(?:的)?(?:关于[^，。；]{1,24}的)?"
        "(?:重大|重要|新的|明确|正确|科学|全面|具体|相应|专门|一系列|一项|这一|如下|最终)?"
        "(?:决定|决策|部署|批示|指示|决议|判断|结论|承诺|答复)",
    ),
    _rule(
        "启用",
        "起用",
        "taking people on is 起用; 启用 is starting to use a thing",
        after="(?:了)?(?:一批|一大批)?(?:年轻干部|新人(?!脸)|新秀|老将|退休干部)",
    ),
    _rule(
        "起用",
        "启用",
        "starting to use a thing (seal, system, building) is 启用",
        after="(?:了)?(?:新)?(?:印章|公章|系统|平台|设备|大楼|新址|办公楼|场馆|机场|航站楼|线路)",
    ),
    _rule(
        "起用",
        "启用",
        "a thing put into use is 启用: 正式启用",
        before="正式|投入|同步",
        after="[。，；、]|仪式",
    ),
    _rule(
        "其它",
        "其他",
        "其它 is for things only; for people it is 其他",
        after="同志|人员|人(?![力口工才事民])|成员|干部|代表|委员|领导|群众|职工|党员|学生|老师|教师|专家|嘉宾",
    ),
    _rule(
        "以致",
        "以至",
        "'up to, even' (几年以至十几年) is 以至; 以致 introduces a bad result",
        before=f"{_NUMBER}+[年天月次倍个代]",
        after=f"{_NUMBER}|更[长多大远高]",
    ),
    _rule("反应", "反映", "reporting truthfully is 如实反映", before="如实|据实"),
    _rule(
        "反应",
        "反映",
        "reporting a situation upwards is 反映",
        before="主动|及时|向[^，。；\n]{1,10}",
        after="了?[^，。；]{0,4}?(?:情况|诉求|意见|问题)",
    ),
    _rule("反应", "反映", "what the public says is 反映: 反映诉求, 反映民意", after="了?(?:诉求|民意|心声)"),
    _rule(
        "终生",
        "终身",
        "institutions for life are 终身: 终身追责, 终身学习",
        after="制|追责|问责|学习|教育|禁入|监禁",
    ),
    _rule(
        "泄漏",
        "泄露",
        "secrets and information are 泄露; 泄漏 is gas or liquid",
        after=r"了?(?:国家)?(?:个人信息|信息|情报)|了?[^，。；、\s]{0,4}?(?:秘密|机密|隐私|考题|试题)",
    ),
    _rule(
        "泄露",
        "泄漏",
        "gas and liquids 泄漏; 泄露 is secrets and information",
        before="煤气|燃气|天然气|毒气|有毒气体|油气|氨气|氯气|危化品|核|放射性物质",
    ),
    _rule("爆发", "暴发", "floods and epidemics 暴发", before="山洪|洪水|泥石流|传染病|疫病"),
    _rule("需知", "须知", "the notes a reader must know are 须知", after="[：。，；！\n]|如下|$"),
    _rule(
        "辨证",
        "辩证",
        "dialectics is 辩证 (辨证 is the physician's diagnosis)",
        after="法|唯物|思维|统一|关系|地看|看待|分析|思考",
    ),
    _rule(
        "付",
        "副",
        "a deputy post is 副",
        before="(?<![支交应偿给拨预垫对托还兑赔代退缴清收寄])",
        after="(?:主任|市长|县长|区长|省长|局长|书记|部长|处长|科长|厅长|主席|总经理|秘书长|镇长|乡长|院长|校长)",
    ),
    _rule("帐", "账", "money and accounts are 账 (帐 is a curtain or tent)", after="户|号|目|本|单|款|务|簿"),
    _rule(
        "帐",
        "账",
        "money and accounts are 账 (帐 is a curtain or tent)",
        before="[记查对结挂转台销算报专总细涂旧]",
        after="(?![篷幕子篮房钩幔])",
    ),
    _rule(
        "渡过",
        "度过",
        "spending time is 度过; 渡过 is crossing water or a difficulty",
        after="了?(?:一个)?(?:[^，。；]{0,6}的)?(?:春节|假期|暑假|寒假|晚年|节日|周末|童年|一生|节假日)",
    ),
    _rule("既使", "即使", "'even if' is 即使 (既 … 又 is a pair)", after="(?!用)", holds=_no_correlative),
)


def check(locator: Locator) -> Iterator[Finding]:
    text = locator.text
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            start, end = m.span("w")
            if rule.holds is None or rule.holds(text, end):
                message = f"{rule.word} → {rule.right}: {rule.why}"
                yield locator.finding("confusable", start, end, message, rule.right)
