"""Wrong written forms that are wrong wherever they stand: miswritten set phrases and words.

The lists are the project's own, from general knowledge of the misspellings Chinese proofreaders
meet most often (the 成语 as the 现代汉语规范词典 spells them); no outside word list was copied.
A set phrase is listed only if no correct text contains it; a two-character word may straddle two
right words (全部份额, 平安祥和), so jieba must read it as one word or as loose characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import split_by_longer_word
from .finding import Finding, Locator

# wrong -> right. Each wrong form differs from the set phrase by one or two look-alike or
# sound-alike characters.
SET_PHRASES: dict[str, str] = {
    "再接再励": "再接再厉",
    "按步就班": "按部就班",
    "迫不急待": "迫不及待",
    "一愁莫展": "一筹莫展",
    "默守成规": "墨守成规",
    "谈笑风声": "谈笑风生",
    "走头无路": "走投无路",
    "甘败下风": "甘拜下风",
    "穿流不息": "川流不息",
    "一股作气": "一鼓作气",
    "一鼓做气": "一鼓作气",
    "病入膏盲": "病入膏肓",
    "名列前矛": "名列前茅",
    "金榜提名": "金榜题名",
    "既往不究": "既往不咎",
    "融汇贯通": "融会贯通",
    "不径而走": "不胫而走",
    "迫在眉捷": "迫在眉睫",
    "变本加利": "变本加厉",
    "一如继往": "一如既往",
    "既往开来": "继往开来",
    "世外桃园": "世外桃源",
    "出奇不意": "出其不意",
    "食不裹腹": "食不果腹",
    "鞠躬尽粹": "鞠躬尽瘁",
    "自抱自弃": "自暴自弃",
    "兴高彩烈": "兴高采烈",
    "无精打彩": "无精打采",
    "明火执杖": "明火执仗",
    "直接了当": "直截了当",
    "重蹈复辙": "重蹈覆辙",
    "声名雀起": "声名鹊起",
    "一诺千斤": "一诺千金",
    "人才汇萃": "人才荟萃",
    "精兵减政": "精兵简政",
    "循私舞弊": "徇私舞弊",
    "貌和神离": "貌合神离",
    "滥芋充数": "滥竽充数",
    "黄梁美梦": "黄粱美梦",
    "挺而走险": "铤而走险",
    "提纲携领": "提纲挈领",
    "坚苦卓绝": "艰苦卓绝",
    "坚苦奋斗": "艰苦奋斗",
    "各行其事": "各行其是",
    "震聋发聩": "振聋发聩",
    "振耳欲聋": "震耳欲聋",
    "不落巢臼": "不落窠臼",
    "卑恭屈膝": "卑躬屈膝",
    "关怀倍至": "关怀备至",
    "旁证博引": "旁征博引",
    "悬梁刺骨": "悬梁刺股",
    "原形必露": "原形毕露",
    "励精图志": "励精图治",
    "言简意骇": "言简意赅",
    "寥寥无己": "寥寥无几",
    "按奈不住": "按捺不住",
    "蛛丝蚂迹": "蛛丝马迹",
    "不加思索": "不假思索",
    "再所不惜": "在所不惜",
    "再所难免": "在所难免",
    "出类拔粹": "出类拔萃",
    "焕然一心": "焕然一新",
    "美仑美奂": "美轮美奂",
    "山青水秀": "山清水秀",
    "相辅相承": "相辅相成",
    "相形见拙": "相形见绌",
    "一张一驰": "一张一弛",
    "趋之若骛": "趋之若鹜",
    "莫明其妙": "莫名其妙",
    "好高鹜远": "好高骛远",
    "以逸代劳": "以逸待劳",
    "嘎然而止": "戛然而止",
    "鼎立相助": "鼎力相助",
    "仗义直言": "仗义执言",
    "有持无恐": "有恃无恐",
    "老声常谈": "老生常谈",
    "破斧沉舟": "破釜沉舟",
    "哀声叹气": "唉声叹气",
    "事必恭亲": "事必躬亲",
    "因地治宜": "因地制宜",
    "循序渐近": "循序渐进",
    "根深蒂故": "根深蒂固",
    "根深缔固": "根深蒂固",
    "坚持不泄": "坚持不懈",
    "持之以衡": "持之以恒",
    "契而不舍": "锲而不舍",
    "集思广义": "集思广益",
    "众志成诚": "众志成城",
    "同心同得": "同心同德",
    "实事求事": "实事求是",
    "与时具进": "与时俱进",
    "标新立意": "标新立异",
    "雷励风行": "雷厉风行",
    "令行禁至": "令行禁止",
    "两全齐美": "两全其美",
    "不言而寓": "不言而喻",
    "一视同人": "一视同仁",
    "惩前避后": "惩前毖后",
    "一以惯之": "一以贯之",
    "翻天复地": "翻天覆地",
    "天翻地复": "天翻地覆",
    "举足清重": "举足轻重",
    "义不容词": "义不容辞",
    "责无旁代": "责无旁贷",
    "当人不让": "当仁不让",
    "有的放失": "有的放矢",
    "忧心重重": "忧心忡忡",
    "入不付出": "入不敷出",
    "竞竞业业": "兢兢业业",
    "殚精竭力": "殚精竭虑",
    "披星带月": "披星戴月",
    "全立以赴": "全力以赴",
    "民生凋蔽": "民生凋敝",
    "直言不务": "直言不讳",
    "不拆不扣": "不折不扣",
    "弛而不息": "驰而不息",
    "攻艰克难": "攻坚克难",
    "击浊扬清": "激浊扬清",
    "义无返顾": "义无反顾",
    "有条不絮": "有条不紊",
}

# Words whose wrong form is not a word at all (the 侯/候 and 帐/账 pairs, variant forms the
# 第一批异体字整理表 and 现代汉语规范词典 no longer use in official text).
WRONG_WORDS: dict[str, str] = {
    "布署": "部署",
    "侯选": "候选",
    "等侯": "等候",
    "问侯": "问候",
    "气侯": "气候",
    "时侯": "时候",
    "贯切落实": "贯彻落实",
    "签定": "签订",
    "座落": "坐落",
    "松驰": "松弛",
    "针贬": "针砭",
    "渲泄": "宣泄",
    "幅射": "辐射",
    "峻工": "竣工",
    "气慨": "气概",
    "膨涨": "膨胀",
    "题纲": "提纲",
    "急燥": "急躁",
    "重迭": "重叠",
    "寒喧": "寒暄",
    "修茸": "修葺",
    "安祥": "安详",
    "蜂涌": "蜂拥",
    "防碍": "妨碍",
    "沉缅": "沉湎",
    "凋蔽": "凋敝",
    "辩别": "辨别",
    "辩认": "辨认",
    "辩析": "辨析",
    "成份": "成分",
    "部份": "部分",
    "即然": "既然",
    "既便": "即便",
    "欢渡": "欢度",
    "好象": "好像",
    "脉博": "脉搏",
    "精萃": "精粹",
    "萎糜": "萎靡",
    "界时": "届时",
    "抵砺": "砥砺",
    "篷勃": "蓬勃",
}


def _alternation(forms: dict[str, str]) -> re.Pattern[str]:
    # Longest first, so a listed phrase wins over a listed word inside it.
    return re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))


_PHRASE_RE = _alternation(SET_PHRASES)
_WORD_RE = _alternation(WRONG_WORDS)


def check(locator: Locator) -> Iterator[Finding]:
    for m in _PHRASE_RE.finditer(locator.text):
        right = SET_PHRASES[m.group()]
        yield locator.finding("set-phrase", m.start(), m.end(), f"set phrase miswritten: {right}", right)
    for m in _WORD_RE.finditer(locator.text):
        if split_by_longer_word(locator.text, m.start(), m.end()):
            continue  # 全部份额 is 全部 + 份额
        right = WRONG_WORDS[m.group()]
        yield locator.finding("misspelling", m.start(), m.end(), f"miswritten word: {right}", right)
