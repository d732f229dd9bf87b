"""The demo world: the Fengtai veteran cadres' activity centre, its rooms, groups and programme.

Built through the services, so the demo obeys the same rules (no double-booked rooms) as users."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from eventsys.extensions import db
from eventsys.models import Event, Group, Organisation, User, Venue
from eventsys.models.tournaments import Tournament
from eventsys.pinyin import name_pinyin
from eventsys.services import accounts, contests, judging, places, registrations, results
from eventsys.services import events as event_service
from eventsys.services import groups as group_service
from eventsys.services import tournaments as tournament_service
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.timeutil import LOCAL_TZ, local_today

DEMO_LOGINS = ("organizer", "judge", "participant")
PASSWORD_FILE = "demo-accounts.json"  # noqa: S105 - a file name, not a password

BUREAU = "丰台区委老干部局"
UNITS = (
    "丰台区老干部活动中心",
    "卢沟桥街道离退休干部党支部",
    "方庄地区老干部党支部",
    "长辛店镇老干部党支部",
    "区教委离退休干部处",
    "区卫健委离退休干部处",
    "海南后海“候鸟式”临时党支部",
)
VENUES = (  # name, kind, capacity, where
    ("多功能厅", "hall", 300, "活动中心一层"),
    ("影像厅", "room", 120, "活动中心二层"),
    ("影视棚", "room", 40, "活动中心二层"),
    ("舞蹈排练室", "room", 40, "活动中心三层"),
    ("阅览室", "room", 30, "活动中心三层"),
    ("门球场", "court", 60, "活动中心东侧"),
)
MEMBERS = (
    "张和顺",
    "单丽华",
    "曾国庆",
    "解秀兰",
    "区志刚",
    "仇建国",
    "王淑芬",
    "李长青",
    "刘玉梅",
    "陈德明",
    "杨桂英",
    "赵文华",
    "黄美玲",
    "周建华",
    "吴秀英",
    "孙立新",
    "马振国",
    "朱淑珍",
    "胡连生",
    "郭素云",
    "何晓月",
    "高凤兰",
    "林海涛",
    "罗玉兰",
)
CLINIC = "健康义诊"
POETRY = "“诗歌抒情怀”原创诗词比赛"
GATEBALL = "全区离退休干部门球比赛"
# More units, so that sixteen gateball teams can come at most two from each.
MORE_UNITS = ("南苑街道老干部党支部", "右安门街道离退休干部党支部", "区财政局离退休干部处")
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈彭吕苏蒋"
    "蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟"
    "龙万段雷钱汤尹"
)
GIVEN_NAMES = (
    "建国", "秀兰", "桂芳", "玉珍", "德胜", "淑华", "国强", "凤英", "志明", "丽君",
    "永福", "春梅", "振华", "秀珍", "宝山", "玉兰", "立新", "兰英", "福生", "桂兰",
    "长林", "素琴", "光明", "月华", "金海", "秀云", "文斌", "淑琴", "树森", "慧敏",
    "庆丰", "玉霞", "洪涛", "爱华", "春生", "翠萍", "占山", "美兰", "增光", "桂香",
)  # fmt: skip
POEMS = (  # title, text: the thirty entries of the poetry contest
    ("重阳登高", "金风送爽菊花黄，携友登高望故乡。\n莫道桑榆时已晚，满天霞彩映重阳。"),
    ("卢沟晓月", "石狮列阵卧长桥，晓月如钩挂碧霄。\n七七烽烟曾到此，今看车马乐逍遥。"),
    ("秋日抒怀", "半生戎马半生忙，退隐犹存壮志长。\n笔底春秋书岁月，胸中丘壑胜秋光。"),
    ("咏菊", "不与群芳斗艳妆，独留晚节傲寒霜。\n东篱把酒人皆醉，一缕清香满院堂。"),
    ("晨练", "晨曦初照柳丝轻，太极推来气自平。\n老友相逢齐问好，一园笑语伴莺声。"),
    ("门球场上", "绿茵场上夕阳红，木槌轻挥过门中。\n莫笑白头争胜负，一球击出意无穷。"),
    ("丰台花乡", "花乡四月百花开，蝶舞蜂飞入梦来。\n昔日荒滩今锦绣，游人不绝踏歌回。"),
    ("读书有感", "灯下翻书夜未阑，古今兴废一眸间。\n心随圣哲游千载，不觉窗前月已残。"),
    ("红色记忆", "当年号角响山川，热血男儿赴国难。\n今日太平须记取，英雄碑下献花环。"),
    ("老年大学", "白发同窗笔砚香，诗书琴画各擅长。\n学无止境心犹少，一曲新词唱夕阳。"),
    ("春游园博园", "园博园中春意浓，桃红柳绿映晴空。\n相携老伴寻芳去，笑语声声入画中。"),
    ("中秋望月", "一轮明月挂中天，万户团圆共此圆。\n遥想海峡诸骨肉，何时把酒话婵娟。"),
    ("咏梅", "雪压枝头骨更坚，冰心一片向苍天。\n不争春色报春早，香透寒窗伴我眠。"),
    ("回乡", "四十年来梦故园，今朝重踏旧时川。\n村头老树依然在，不见当年放牧鞭。"),
    ("习字", "墨池挥洒意悠闲，龙走蛇飞纸上间。\n一画一钩皆骨力，写来甘苦满人寰。"),
    ("夕阳红", "莫叹年华逝水东，桑榆未晚路犹宏。\n丹心一片酬家国，留取余晖万里红。"),
    ("观鸟", "野鸭湖边晓雾收，白鹭翩跹戏碧流。\n举镜凝神留倩影，一湖秋色入镜头。"),
    ("冬雪", "一夜北风雪满城，琼枝玉树照人明。\n孙儿堆罢雪人去，留下童心伴我行。"),
    ("听戏", "锣鼓声中唱二黄，水袖轻扬韵味长。\n国粹传承需后继，老生犹记少年腔。"),
    ("故乡的河", "故乡河水绕村流，少小曾将竹筏游。\n今日归来河更美，清波碧浪泛轻舟。"),
    ("红船", "百年风雨路艰辛，红船启航照后人。\n不忘初心跟党走，江山万里展新春。"),
    ("老伴", "风雨同舟五十秋，相扶相守到白头。\n粗茶淡饭皆滋味，一盏清茶话不休。"),
    ("登香山", "红叶满山似火燃，香山顶上望燕山。\n秋风不解游人意，吹落霜林一片丹。"),
    ("乒乓", "银球飞舞小台前，左推右挡似少年。\n一局终了相视笑，输赢都在笑声间。"),
    ("学电脑", "七旬犹自学新知，键盘敲出满屏诗。\n孙儿笑我成网友，我笑孙儿不识词。"),
    ("荷塘", "十里荷塘映日红，亭亭玉立水当中。\n出泥不染清廉志，留与后人作镜铜。"),
    ("秋收", "金黄稻浪接天涯，农户丰收笑语哗。\n机械轰鸣收割忙，家家户户庆年华。"),
    ("赞志愿者", "红马甲飘街巷中，扶危济困暖心胸。\n银龄岂肯闲中老，奉献余热别样红。"),
    ("长城", "万里长城万里长，龙盘虎踞镇八荒。\n今朝登上烽台望，国泰民安天地长。"),
    ("晚晴", "雨霁长空现彩虹，晚晴天气意融融。\n人生亦似黄昏好，不负韶华不负翁。"),
)
# Marks out of 10 with weights 3:3:2:2 (立意 30 %, 格律 30 %, 语言 20 %, 意境 20 %): a judge's
# sheet total is out of 100.
POETRY_CRITERIA = (("立意", 3), ("格律", 3), ("语言", 2), ("意境", 2))
POETRY_PRIZES = (("一等奖", 3, 7), ("二等奖", 6, 5), ("三等奖", 7, 3), ("优秀奖", 8, 1))
POETRY_JUDGES = ("王振华", "陈思远", "刘文博", "赵淑敏", "孙启明", "周雅芳")
# How generous each judge is (the demo judge first), in tenths of a mark.
JUDGE_LEANINGS = (0, -2, 3, -1, 1, 2, -3)
GATEBALL_TEAMS = (  # team name, index of its unit (at most two teams per unit)
    ("卢沟桥一队", 1), ("活动中心一队", 0), ("方庄一队", 2), ("长辛店一队", 3),
    ("教委一队", 4), ("卫健委一队", 5), ("候鸟队", 6), ("南苑队", 7),
    ("右安门队", 8), ("财政局队", 9), ("卢沟桥二队", 1), ("活动中心二队", 0),
    ("方庄二队", 2), ("长辛店二队", 3), ("教委二队", 4), ("卫健委二队", 5),
)  # fmt: skip
GATEBALL_FIRST_ROUND = ((15, 9), (12, 14), (18, 7), (10, 13), (16, 11), (9, 17), (14, 8), (11, 12))
GROUPS = (  # name, kind, description
    ("金秋艺术团", "troupe", "老干部活动中心的舞蹈艺术团，参加全国及市区舞蹈比赛。"),
    ("晓月诗社", "society", "诗词楹联创作与学习；北京市原创诗歌征集活动总分全市第一。"),
    ("门球队", "team", "参加丰台门球协会组织的赛事交流。"),
    ("乒乓球协会", "interest_group", "每周两次训练，参加区乒乓球比赛。"),
    ("戏曲班", "interest_group", "京剧、评剧清唱与身段。"),
    ("象棋组", "interest_group", "每周对弈与讲棋。"),
    ("摄影协会", "society", "外拍、作品点评与摄影展。"),
    ("书画社", "society", "书画笔会与作品展。"),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def build_demo_world(instance_path: str) -> dict[str, str]:
    """Create the demo organisations, rooms, people, groups and events; return the passwords."""
    passwords = {login: secrets.token_urlsafe(9) for login in DEMO_LOGINS}
    organizer = accounts.create_user(
        accounts.NewUser(
            name="李卫东",
            login="organizer",
            password=passwords["organizer"],
            roles=("organizer", "participant"),
        ),
        actor=None,
    )
    bureau = places.save_organisation(BUREAU, None, actor=organizer)
    units = [places.save_organisation(name, bureau.id, actor=organizer) for name in UNITS]
    organizer.organisation_id = units[0].id
    judge = accounts.create_user(
        accounts.NewUser(
            name="吴雅琴",
            login="judge",
            password=passwords["judge"],
            organisation_id=units[4].id,
            roles=("judge", "participant"),
        ),
        actor=organizer,
    )
    participant = accounts.create_user(
        accounts.NewUser(
            name="张和顺",
            login="participant",
            phone="13800138000",
            password=passwords["participant"],
            organisation_id=units[1].id,
        ),
        actor=organizer,
    )
    crowd = _Crowd(organizer)
    people: list[User] = [participant]
    for index, name in enumerate(MEMBERS[1:], start=1):
        people.append(
            crowd.member(
                name, f"member{index:02d}", units[index % len(units)], phone=f"139{index:08d}"
            )
        )
    venues = {
        name: places.save_venue(
            places.VenueData(name=name, kind=kind, capacity=cap, location=where), actor=organizer
        )
        for name, kind, cap, where in VENUES
    }
    groups = {}
    for index, (name, kind, description) in enumerate(GROUPS):
        leader = people[index * 2 % len(people)]
        groups[name] = places.save_group(
            places.GroupData(
                name=name,
                kind=kind,
                description=description,
                organisation_id=units[0].id,
                leader_id=leader.id,
            ),
            actor=organizer,
        )
        for person in people[index : index + 6]:
            if person.id != leader.id:
                places.add_member(groups[name], person, actor=organizer)
    programme = _build_programme(organizer, venues, {n: g.id for n, g in groups.items()})
    _honours(organizer, groups)
    _register_for_the_clinic(organizer, programme[CLINIC])
    _poetry_contest(organizer, judge, people, units, crowd, programme[POETRY])
    extra_units = [
        places.save_organisation(name, bureau.id, actor=organizer) for name in MORE_UNITS
    ]
    _gateball_tournament(
        organizer, participant, [*units, *extra_units], crowd, programme[GATEBALL], venues["门球场"]
    )
    db.session.flush()
    path = Path(instance_path) / PASSWORD_FILE
    path.write_text(json.dumps(passwords, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    return passwords


class _Crowd:
    """Demo members nobody signs in as: one password hash shared, since hashing is slow."""

    def __init__(self, organizer: User) -> None:
        self.organizer = organizer
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(secrets.token_urlsafe(16), method=method)
        self.names = set(MEMBERS) | {"李卫东", "吴雅琴"}
        self.counter = 0

    def member(
        self,
        name: str,
        login: str,
        organisation: Organisation | None,
        *,
        phone: str | None = None,
        judge: bool = False,
    ) -> User:
        user = User(
            name=name,
            name_pinyin=name_pinyin(name),
            login=login,
            phone=phone,
            organisation_id=organisation.id if organisation is not None else None,
            password_hash=self.password_hash,
            is_judge=judge,
            is_participant=True,
        )
        db.session.add(user)
        self.names.add(name)
        return user

    def new_name(self) -> str:
        """A name not yet used in the demo (surname and given name drawn in turn)."""
        while True:
            n = self.counter
            self.counter += 1
            name = (
                SURNAMES[n % len(SURNAMES)]
                + GIVEN_NAMES[(n * 7 + n // len(SURNAMES)) % len(GIVEN_NAMES)]
            )
            if name not in self.names:
                return name


def read_demo_passwords(instance_path: str) -> dict[str, str]:
    """Return the demo passwords saved when the demo world was built."""
    path = Path(instance_path) / PASSWORD_FILE
    if not path.exists():
        return {login: "(set before this run; see instance/)" for login in DEMO_LOGINS}
    return dict(json.loads(path.read_text()))


# The honours board (荣誉榜), from the bureau's report (shared/seed): 晓月诗社 in the city-wide
# collection of original poems (北京市委老干部局, 2017, before the 19th Party Congress), and
# 金秋艺术团 at the national dance competition it enters every year. The report gives neither
# day nor, for the troupe, the award: the dates and the troupe's 金奖 stand in for them.
POETRY_COLLECTION = "“喜迎十九大 诗歌抒情怀”离退休干部原创诗歌作品征集"
HONOURS = (  # group, competition, organiser, date, award
    ("晓月诗社", POETRY_COLLECTION, "北京市委老干部局", date(2017, 10, 1), "一等奖（3名）"),
    ("晓月诗社", POETRY_COLLECTION, "北京市委老干部局", date(2017, 10, 1), "二等奖（6名）"),
    ("晓月诗社", POETRY_COLLECTION, "北京市委老干部局", date(2017, 10, 1), "三等奖（7名）"),
    ("晓月诗社", POETRY_COLLECTION, "北京市委老干部局", date(2017, 10, 1), "优秀奖（8名）"),
    ("晓月诗社", POETRY_COLLECTION, "北京市委老干部局", date(2017, 10, 1), "总分全市第一名"),
    ("金秋艺术团", "全国老年舞蹈比赛", "", date(2018, 9, 20), "金奖"),
)  # fmt: skip


def _honours(organizer: User, groups: dict[str, Group]) -> None:
    for group, competition, organiser, day, award in HONOURS:
        group_service.save_honour(
            group_service.HonourData(
                competition=competition,
                awarded_on=day,
                award=award,
                organiser=organiser,
                group_id=groups[group].id,
            ),
            actor=organizer,
            folder=Path(current_app.instance_path) / "honours",
        )


def _build_programme(
    organizer: User, venues: dict[str, Venue], groups: dict[str, int]
) -> dict[str, Event]:
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    ids = {name: venue.id for name, venue in venues.items()}

    def day(offset: int, hour: int, minute: int = 0) -> datetime:
        return _at(monday + timedelta(days=offset), hour, minute)

    def add(
        kind: str,
        title: str,
        venue: str,
        start: datetime,
        hours: float,
        *,
        publish: bool = True,
        **settings: Any,
    ) -> Event:
        if settings.get("registration_mode", "none") != "none":
            settings.setdefault("registration_opens_at", start - timedelta(days=14))
            settings.setdefault("registration_closes_at", start - timedelta(hours=2))
        event = event_service.create_event(
            event_service.EventData(
                kind=kind,
                title=title,
                venue_id=ids[venue],
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                **settings,
            ),
            organizer=organizer,
        )
        if publish:
            event_service.set_status(event, "published", actor=organizer)
        return event

    until = monday + timedelta(weeks=8)
    rehearsal = add(
        "activity",
        "金秋艺术团舞蹈排练",
        "舞蹈排练室",
        day(1, 9),
        2.5,
        description="每周二、周四上午排练参赛舞蹈《金色的秋天》。",
        weekdays=(1, 3),
        repeat_until=until,
        group_id=groups["金秋艺术团"],
    )
    # The rehearsal of the third Thursday gives way to the 重阳 performance preparations.
    event_service.skip_occurrence(rehearsal.occurrences[5], True, actor=organizer)
    add(
        "activity",
        "戏曲班京剧清唱",
        "影视棚",
        day(2, 14),
        2,
        description="京剧、评剧清唱，欢迎新学员。",
        weekdays=(2,),
        repeat_until=until,
        walk_ins=True,
        group_id=groups["戏曲班"],
    )
    add(
        "activity",
        "象棋组对弈",
        "阅览室",
        day(0, 14),
        3,
        weekdays=(0, 4),
        repeat_until=until,
        walk_ins=True,
        group_id=groups["象棋组"],
    )
    add(
        "activity",
        "晓月诗社诗词创作交流会",
        "阅览室",
        day(3, 9),
        2,
        description="社员习作交流，社长可为社员统一报名。",
        capacity=20,
        registration_mode="individual",
        group_id=groups["晓月诗社"],
    )
    add(
        "lecture",
        "形势报告会",
        "影像厅",
        day(9, 9, 30),
        2,
        description="每月一次形势报告会。",
        capacity=120,
        registration_mode="individual",
    )
    clinic = add(
        "health_clinic",
        CLINIC,
        "多功能厅",
        day(10, 8, 30),
        3,
        description="区医院专家义诊：血压、血糖、骨密度。请带医保卡。",
        capacity=40,
        registration_mode="individual",
    )
    poetry = add(
        "poetry_contest",
        POETRY,
        "阅览室",
        day(16, 9),
        3,
        description="晓月诗社承办；评审：立意、格律、语言、意境。",
        capacity=60,
        registration_mode="individual",
        asks_title=True,
        asks_text=True,
    )
    gateball = add(
        "ball_game",
        GATEBALL,
        "门球场",
        day(12, 8),
        8,
        description="16支队伍分4组循环后进行淘汰赛。每队5名队员，最多3名替补。",
        capacity=16,
        registration_mode="team",
        capacity_counts="entries",
        roster_min=5,
        roster_max=5,
        substitutes_max=3,
        max_entries_per_organisation=2,
    )
    add(
        "ball_game",
        "乒乓球友谊赛",
        "多功能厅",
        day(19, 9),
        4,
        capacity=32,
        registration_mode="individual",
    )
    add(
        "performance",
        "重阳节慰问演出",
        "多功能厅",
        day(17, 14, 30),
        2,
        description="金秋艺术团、戏曲班联合演出。",
        capacity=300,
        registration_mode="individual",
    )
    add(
        "exhibition",
        "摄影作品展",
        "影像厅",
        day(3, 9),
        8,
        description="摄影协会年度作品展。",
        group_id=groups["摄影协会"],
    )
    add(
        "knowledge_contest",
        "“不忘初心”知识竞赛",
        "影像厅",
        day(24, 14),
        2,
        capacity=100,
        registration_mode="individual",
        publish=False,
    )
    return {CLINIC: clinic, POETRY: poetry, GATEBALL: gateball}


def _register_for_the_clinic(organizer: User, clinic: Event) -> None:
    people = list(
        db.session.scalars(
            select(User).where(User.login != "organizer").order_by(User.id).limit(12)
        )
    )
    opened = clinic.registration_opens_at
    assert opened is not None
    for person in people:
        registrations.register(clinic, person, by=organizer, now=opened)


def _poetry_contest(
    organizer: User,
    judge: User,
    people: list[User],
    units: list[Organisation],
    crowd: _Crowd,
    event: Event,
) -> None:
    """Thirty poems, a blind panel of seven, every sheet submitted and the results published."""
    poets = list(people)
    for index in range(len(POEMS) - len(poets)):
        poets.append(
            crowd.member(crowd.new_name(), f"poet{index + 1:02d}", units[(index * 3) % len(units)])
        )
    db.session.flush()
    opened = event.registration_opens_at
    assert opened is not None
    entries = [
        registrations.register(event, poet, by=organizer, now=opened, title=title, text=text)
        for poet, (title, text) in zip(poets, POEMS, strict=True)
    ]
    contest = contests.set_up_contest(
        event,
        contests.ContestSettings(
            aggregation="trimmed_mean",
            drop_highest=1,
            drop_lowest=1,
            decimals=2,
            tiebreaks=("criterion:1", "untrimmed_mean"),
            blind=True,
            criteria=tuple(
                contests.CriterionData(name, Decimal(10), weight=Decimal(weight))
                for name, weight in POETRY_CRITERIA
            ),
            tiers=tuple(
                contests.TierData(name, Decimal(points), quota=quota)
                for name, quota, points in POETRY_PRIZES
            ),
        ),
        actor=organizer,
    )
    panel = [judge]
    for number, name in enumerate(POETRY_JUDGES, start=2):
        panel.append(crowd.member(name, f"judge{number}", None, judge=True))
    db.session.flush()
    contests.appoint_panel(contest, [member.id for member in panel], actor=organizer)
    criteria = list(contest.criteria)
    for index, entry in enumerate(entries):
        # A poem's quality, 9.5 down to 6.6 in tenths, in an order unrelated to registration.
        quality = 95 - (index * 7) % len(entries)
        for number, member in enumerate(panel):
            if contests.is_excluded(member, entry):
                continue  # 回避: the demo judge's own organisation
            raw = {}
            for position, criterion in enumerate(criteria):
                nudge = (index * 3 + number * 5 + position * 7) % 5 - 2
                mood = (index * number + position) % 3 - 1
                tenths = max(50, min(100, quality + JUDGE_LEANINGS[number] + nudge + mood))
                raw[criterion.id] = f"{tenths / 10:.1f}"
            judging.save_sheet(contest, member, entry, raw, version=0, submit=True)
    results.publish(contest, actor=organizer)


def _gateball_tournament(
    organizer: User,
    participant: User,
    units: list[Organisation],
    crowd: _Crowd,
    event: Event,
    ground: Venue,
) -> None:
    """Sixteen teams, four groups of four then a knockout of eight on three courts."""
    opened = event.registration_opens_at
    assert opened is not None
    teams = []
    for number, (team_name, unit_index) in enumerate(GATEBALL_TEAMS):
        unit = units[unit_index]
        captain = (
            participant
            if number == 0
            else crowd.member(crowd.new_name(), f"gateball{number:02d}c", unit)
        )
        players = [
            crowd.member(crowd.new_name(), f"gateball{number:02d}p{seat}", unit)
            for seat in range(1, 5)
        ]
        substitutes = [
            crowd.member(crowd.new_name(), f"gateball{number:02d}s{seat}", unit)
            for seat in range(1, number % 3 + 1)
        ]
        db.session.flush()
        teams.append(
            registrations.register_team(
                event,
                captain,
                registrations.TeamEntry(
                    team_name=team_name,
                    player_ids=tuple(p.id for p in players),
                    substitute_ids=tuple(p.id for p in substitutes),
                ),
                by=organizer,
                now=opened,
            )
        )
    tournament = tournament_service.create_tournament(
        event,
        tournament_service.TournamentSettings.for_sport("gateball", slot_minutes=30),
        actor=organizer,
    )
    tournament_service.set_entries(
        tournament, {team.id: seed for seed, team in enumerate(teams, start=1)}, actor=organizer
    )
    for number in range(1, 4):
        tournament_service.add_court(
            tournament, f"{number}号场", venue_id=ground.id, actor=organizer
        )
    tournament_service.make_draw(
        tournament, "groups_knockout", groups=4, qualifiers=2, actor=organizer
    )
    tournament_service.make_schedule(tournament, actor=organizer)
    _first_round(tournament, organizer)


def _first_round(tournament: Tournament, organizer: User) -> None:
    """Enter the results of each group's first round, so the standings show something."""
    first = [
        match
        for match in tournament_service.all_matches(tournament)
        if match.pool_id is not None and match.round_index == 0
    ]
    first.sort(key=lambda match: (match.slot or 0, match.id))
    for match, (a, b) in zip(first, GATEBALL_FIRST_ROUND, strict=True):
        record_result(match, ResultInput(score_a=a, score_b=b), actor=organizer)
