"""Demo data of the sample company of the XToolsCRM training workbook:
上海飞达办公家具有限公司, an office furniture maker in Shanghai.

Plain data only, no Tryton import: load_demo.py turns it into records and
the tests read it to know what to expect. Everything is deterministic so
that tests and manuals can rely on names.
"""

COMPANY_NAME = "上海飞达办公家具有限公司"
COMPANY_ADDRESS = {
    'street': "松江区九亭镇涞寅路 1288 号",
    'postal_code': "201615",
    'city': "上海市",
    'subdivision': 'CN-SH',
    }
COMPANY_PHONE = "021-57631288"
COMPANY_TIMEZONE = 'Asia/Shanghai'

DEMO_PASSWORD = 'feida2026'

# Tryton's country and currency modules ship no records.
COUNTRY = {
    'code': 'CN', 'code3': 'CHN', 'code_numeric': '156',
    'name': "China", 'name_zh': "中国",
    }
SUBDIVISIONS = [
    # code, name, type
    ('CN-JS', "江苏省", 'province'),
    ('CN-ZJ', "浙江省", 'province'),
    ]
CURRENCY = {
    'code': 'CNY', 'numeric_code': '156', 'symbol': "¥",
    'rounding': '0.01', 'digits': 2,
    'name': "Yuan Renminbi", 'name_zh': "人民币",
    }

# The nine departments of the workbook, in its order; the sales department
# has two teams (a four-level organisation: boss → 销售部 → 销售一部 → staff).
DEPARTMENTS = [
    "研发部", "市场部", "采购部", "生产部", "商品部",
    "销售部", "客户部", "仓储部", "财务部",
    ]
SUB_DEPARTMENTS = {
    "销售部": ["销售一部", "销售二部"],
    }

# Tryton's own groups given beside the CRM roles, by role. None: the CRM
# addons grant what each role needs through the role groups, and Tryton's
# groups would show Tryton's own menus (a second 销售, 往来单位 …) beside
# the CRM's.
ROLE_TRYTON_GROUPS = {}


def _user(title, name, login, level, department, roles,
        account_rights=False):
    return {
        'role': title,
        'name': name,
        'login': login,
        'password': DEMO_PASSWORD,
        'level': level,
        'department': department,
        'roles': roles,
        'account_rights': account_rights,
        }


# The demo logins: `load_demo.py --print-logins` prints this table.
# roles: suffixes of the xtools_crm_base.group_role_* groups;
# account_rights: member of group_crm_admin (organisation and settings) —
# the boss account of the workbook is the company's top administrator.
LOGINS = [
    _user("老板", "王天虹", 'wangtianhong', 'boss', None, ['boss', 'sales'],
        account_rights=True),
    _user("销售总监", "李建华", 'lijianhua', 'manager', "销售部", ['sales']),
    _user("销售一部主管", "陈志明", 'chenzhiming', 'manager', "销售一部",
        ['sales']),
    _user("销售一部助理", "刘晓燕", 'liuxiaoyan', 'assistant', "销售一部",
        ['sales']),
    _user("销售一部销售", "张浩", 'zhanghao', 'staff', "销售一部", ['sales']),
    _user("销售一部销售", "赵雪", 'zhaoxue', 'staff', "销售一部", ['sales']),
    _user("销售二部主管", "周国强", 'zhouguoqiang', 'manager', "销售二部",
        ['sales']),
    _user("销售二部助理", "孙丽娟", 'sunlijuan', 'assistant', "销售二部",
        ['sales']),
    _user("销售二部销售", "吴俊杰", 'wujunjie', 'staff', "销售二部", ['sales']),
    _user("销售二部销售", "郑佳怡", 'zhengjiayi', 'staff', "销售二部",
        ['sales']),
    _user("库管", "杨建军", 'yangjianjun', 'staff', "仓储部", ['stock']),
    _user("财务", "黄秀英", 'huangxiuying', 'staff', "财务部", ['finance']),
    _user("客服", "徐静", 'xujing', 'staff', "客户部", ['service']),
    _user("客服经理", "钱丽华", 'qianlihua', 'manager', "客户部",
        ['service']),
    _user("售后工程师", "林志强", 'linzhiqiang', 'staff', "客户部",
        ['repair']),
    _user("售后工程师", "何建国", 'hejianguo', 'staff', "客户部",
        ['repair']),
    _user("产品经理", "马永刚", 'mayonggang', 'manager', "商品部", ['product']),
    _user("市场专员", "林晓", 'linxiao', 'staff', "市场部", ['marketing']),
    ]

# One well-known customer per sales team, owned by a staff member of the
# team: tests and manuals may rely on these.
WELL_KNOWN_CUSTOMERS = {
    "上海明珠广告有限公司": 'zhanghao',   # 销售一部 staff
    "杭州西湖国际酒店": 'wujunjie',       # 销售二部 staff
    }

# city → subdivision (province) code. Shanghai is itself the province-level
# unit: no subdivision, so that addresses read 上海市浦东新区… and not
# 上海市上海市浦东新区….
CITIES = {
    "上海市": None,
    "杭州市": 'CN-ZJ', "宁波市": 'CN-ZJ', "嘉兴市": 'CN-ZJ',
    "绍兴市": 'CN-ZJ',
    "苏州市": 'CN-JS', "昆山市": 'CN-JS', "无锡市": 'CN-JS',
    "南京市": 'CN-JS', "常州市": 'CN-JS', "南通市": 'CN-JS',
    }

# Enterprise customers: name, kind, city, street, postal code, phone,
# e-mail domain label, owner login.
# kind chooses the contacts' titles (company, school, hospital, hotel,
# government).
ENTERPRISE_CUSTOMERS = [
    ("上海明珠广告有限公司", 'company', "上海市",
        "黄浦区南京东路 300 号 18 楼", "200001", "021-63281234",
        'mingzhu-ad', 'zhanghao'),
    ("杭州西湖国际酒店", 'hotel', "杭州市",
        "西湖区北山街 78 号", "310007", "0571-87961234",
        'xihu-hotel', 'wujunjie'),
    ("上海华信电子科技有限公司", 'company', "上海市",
        "浦东新区张江路 665 号", "201203", "021-50801234",
        'huaxin-tech', 'zhaoxue'),
    ("上海市闵行区行政服务中心", 'government', "上海市",
        "闵行区沪闵路 6258 号", "201199", "021-64121234",
        'mh-service', 'lijianhua'),
    ("上海锦绣置业有限公司", 'company', "上海市",
        "徐汇区漕溪北路 88 号", "200030", "021-64871234",
        'jinxiu-estate', 'chenzhiming'),
    ("上海申城律师事务所", 'company', "上海市",
        "静安区南京西路 1515 号 20 楼", "200040", "021-62881234",
        'shencheng-law', 'zhanghao'),
    ("上海市徐汇区育才实验中学", 'school', "上海市",
        "徐汇区天钥桥路 100 号", "200030", "021-64381234",
        'yucai-school', 'zhaoxue'),
    ("上海康华医院", 'hospital', "上海市",
        "长宁区延安西路 1474 号", "200052", "021-62401234",
        'kanghua-hospital', 'chenzhiming'),
    ("上海浦江国际物流有限公司", 'company', "上海市",
        "浦东新区富特北路 211 号", "200131", "021-58681234",
        'pujiang-logistics', 'zhanghao'),
    ("上海远景建筑设计院有限公司", 'company', "上海市",
        "杨浦区国定路 335 号", "200433", "021-65421234",
        'yuanjing-design', 'zhaoxue'),
    ("上海瑞丰商业银行陆家嘴支行", 'company', "上海市",
        "浦东新区陆家嘴环路 1000 号", "200120", "021-68881234",
        'ruifeng-bank', 'wangtianhong'),
    ("上海东信会计师事务所", 'company', "上海市",
        "黄浦区延安东路 618 号", "200001", "021-63521234",
        'dongxin-cpa', 'chenzhiming'),
    ("上海海港职业技术学校", 'school', "上海市",
        "浦东新区临港大道 1550 号", "201306", "021-38281234",
        'haigang-school', 'zhaoxue'),
    ("上海市嘉定区文化馆", 'government', "上海市",
        "嘉定区塔城路 299 号", "201800", "021-59921234",
        'jd-culture', 'lijianhua'),
    ("上海星光传媒集团有限公司", 'company', "上海市",
        "静安区威海路 298 号", "200041", "021-62791234",
        'xingguang-media', 'zhanghao'),
    ("杭州云栖网络科技有限公司", 'company', "杭州市",
        "西湖区云展路 8 号", "310024", "0571-86801234",
        'yunqi-net', 'zhengjiayi'),
    ("杭州之江职业技术学院", 'school', "杭州市",
        "西湖区之江路 1088 号", "310024", "0571-87091234",
        'zhijiang-college', 'zhouguoqiang'),
    ("宁波港城贸易有限公司", 'company', "宁波市",
        "鄞州区天童南路 588 号", "315100", "0574-87351234",
        'gangcheng-trade', 'wujunjie'),
    ("嘉兴南湖宾馆", 'hotel', "嘉兴市",
        "南湖区南湖路 1 号", "314001", "0573-82081234",
        'nanhu-hotel', 'zhengjiayi'),
    ("绍兴鉴湖大酒店", 'hotel', "绍兴市",
        "越城区解放北路 288 号", "312000", "0575-85121234",
        'jianhu-hotel', 'wujunjie'),
    ("苏州金鸡湖商务中心有限公司", 'company', "苏州市",
        "工业园区星港街 199 号", "215021", "0512-62881234",
        'jinjihu-bc', 'zhouguoqiang'),
    ("苏州博雅教育培训学校", 'school', "苏州市",
        "姑苏区人民路 1200 号", "215005", "0512-65121234",
        'boya-edu', 'zhengjiayi'),
    ("无锡太湖科技园管理委员会", 'government', "无锡市",
        "滨湖区高浪东路 999 号", "214131", "0510-85121234",
        'taihu-park', 'wangtianhong'),
    ("南京紫金山软件有限公司", 'company', "南京市",
        "玄武区中山东路 300 号", "210018", "025-84561234",
        'zijinshan-soft', 'wujunjie'),
    ("南京仁和医院", 'hospital', "南京市",
        "鼓楼区中山北路 321 号", "210003", "025-83301234",
        'renhe-hospital', 'zhouguoqiang'),
    ("昆山精工机械制造有限公司", 'company', "昆山市",
        "开发区前进东路 579 号", "215300", "0512-57301234",
        'jinggong-mach', 'zhengjiayi'),
    ("常州天宁康复医院", 'hospital', "常州市",
        "天宁区和平北路 55 号", "213003", "0519-88101234",
        'tianning-rehab', 'wujunjie'),
    ("上海虹桥商务酒店管理有限公司", 'hotel', "上海市",
        "闵行区申长路 988 号", "201107", "021-52261234",
        'hongqiao-hotel', 'zhouguoqiang'),
    ("上海绿洲物业服务有限公司", 'company', "上海市",
        "普陀区长寿路 155 号", "200060", "021-62661234",
        'lvzhou-pm', 'zhengjiayi'),
    ("南通滨江国际会展中心", 'government', "南通市",
        "崇川区世纪大道 6 号", "226010", "0513-85091234",
        'binjiang-expo', 'lijianhua'),
    ]

# Individual customers (个人客户): name, pinyin, city, street, postal code,
# mobile, owner login. Each gets a contact of the same name.
INDIVIDUAL_CUSTOMERS = [
    ("王德生", 'wangdesheng', "上海市", "长宁区仙霞路 99 弄 5 号 1201 室",
        "200336", "13801761234", 'zhanghao'),
    ("刘美玲", 'liumeiling', "上海市", "浦东新区锦绣路 2580 弄 12 号",
        "200135", "13916625678", 'zhaoxue'),
    ("林志远", 'linzhiyuan', "上海市", "闵行区莘松路 380 弄 8 号",
        "201100", "13661887654", 'chenzhiming'),
    ("陈立新", 'chenlixin', "杭州市", "拱墅区湖墅南路 166 号",
        "310005", "13757126688", 'wujunjie'),
    ("张海燕", 'zhanghaiyan', "苏州市", "姑苏区十全街 218 号",
        "215006", "13862153399", 'zhengjiayi'),
    ("何静怡", 'hejingyi', "南京市", "建邺区江东中路 108 号",
        "210019", "13951827766", 'zhouguoqiang'),
    ]

# Contacts of enterprise customers are composed from these lists, the
# n-th contact overall taking SURNAMES[n % 20] and GIVEN_NAMES[7n % 23].
SURNAMES = [
    ("张", 'zhang'), ("王", 'wang'), ("李", 'li'), ("赵", 'zhao'),
    ("刘", 'liu'), ("陈", 'chen'), ("杨", 'yang'), ("黄", 'huang'),
    ("周", 'zhou'), ("吴", 'wu'), ("徐", 'xu'), ("孙", 'sun'),
    ("胡", 'hu'), ("朱", 'zhu'), ("高", 'gao'), ("林", 'lin'),
    ("何", 'he'), ("郭", 'guo'), ("马", 'ma'), ("罗", 'luo'),
    ]
GIVEN_NAMES = [
    ("伟", 'wei'), ("芳", 'fang'), ("敏", 'min'), ("静", 'jing'),
    ("磊", 'lei'), ("洋", 'yang'), ("艳", 'yan'), ("勇", 'yong'),
    ("军", 'jun'), ("杰", 'jie'), ("娟", 'juan'), ("涛", 'tao'),
    ("明", 'ming'), ("超", 'chao'), ("秀兰", 'xiulan'), ("霞", 'xia'),
    ("平", 'ping'), ("刚", 'gang'), ("桂英", 'guiying'), ("建平", 'jianping'),
    ("晓东", 'xiaodong'), ("文博", 'wenbo'), ("雅琴", 'yaqin'),
    ]
CONTACT_TITLES = {
    'company': ["行政经理", "采购经理", "总经理"],
    'school': ["总务处主任", "后勤处处长", "副校长"],
    'hospital': ["后勤保障部主任", "采购科科长", "副院长"],
    'hotel': ["工程部经理", "采购部经理", "总经理"],
    'government': ["办公室主任", "后勤科科长", "采购专员"],
    }
MOBILE_PREFIXES = [
    '138', '139', '135', '136', '137', '150', '151', '152',
    '158', '159', '186', '187', '188', '189', '133', '180',
    ]


def enterprise_contacts(index, domain, kind):
    """The contacts of the index-th enterprise customer: 1 to 3, the
    first one being the usual buyer of office furniture (行政/总务)."""
    count = (2, 1, 3)[index % 3]
    first = sum((2, 1, 3)[i % 3] for i in range(index))
    contacts = []
    for position in range(count):
        n = first + position
        surname, surname_py = SURNAMES[n % len(SURNAMES)]
        given, given_py = GIVEN_NAMES[(7 * n) % len(GIVEN_NAMES)]
        contacts.append({
                'name': surname + given,
                'title': CONTACT_TITLES[kind][position],
                'mobile': mobile(n),
                'email': f'{surname_py}{given_py}@{domain}.example.com',
                })
    return contacts


def individual_email(pinyin):
    return f'{pinyin}@example.com'


def mobile(n):
    prefix = MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)]
    return f'{prefix}{(n * 7919 + 20260315) % 10 ** 8:08d}'


# Catalogue of the workbook: six series. Units are created as Tryton units
# of measure in the "Units" category (1 件 = 1 张 = 1 套 = 1 unit).
UNITS = ["件", "张", "套"]

# series: [(name, model 型号, spec 规格, unit, list price, cost price)]
PRODUCT_SERIES = {
    "大班桌系列": [
        ("尊享实木大班桌", 'FD-DB-2418', "2400×1800×760mm 进口胡桃木",
            "张", '12800.00', '7600.00'),
        ("简约板式大班桌", 'FD-DB-2016', "2000×1600×760mm E1级板材",
            "张", '6800.00', '3900.00'),
        ("胡桃木贵宾大班台", 'FD-DB-2820', "2800×2000×760mm 实木贴皮",
            "张", '18800.00', '11200.00'),
        ("钢木结合主管桌", 'FD-DB-1809', "1800×900×750mm 钢架+板材",
            "张", '3600.00', '2100.00'),
        ],
    "屏风组合系列": [
        ("四人位屏风工作站", 'FD-PF-4P', "2800×1200×1100mm 含活动柜",
            "套", '4800.00', '2900.00'),
        ("六人位屏风工作站", 'FD-PF-6P', "4200×1200×1100mm 含活动柜",
            "套", '6900.00', '4100.00'),
        ("单人L型屏风卡位", 'FD-PF-1L', "1400×1400×1100mm",
            "套", '1500.00', '880.00'),
        ("铝合金隔断屏风", 'FD-PF-AL', "1200×30×1200mm 磨砂玻璃",
            "件", '680.00', '390.00'),
        ],
    "职员系列": [
        ("职员办公桌", 'FD-ZY-1260', "1200×600×750mm",
            "张", '880.00', '480.00'),
        ("带柜职员桌", 'FD-ZY-1470', "1400×700×750mm 附三抽柜",
            "张", '1280.00', '720.00'),
        ("三抽活动柜", 'FD-ZY-HDG', "400×500×600mm 带锁",
            "件", '420.00', '230.00'),
        ("钢制文件柜", 'FD-ZY-WJG', "900×400×1850mm 冷轧钢板",
            "件", '980.00', '560.00'),
        ],
    "会议桌系列": [
        ("实木会议桌（12人）", 'FD-HY-3615', "3600×1500×760mm",
            "张", '9800.00', '5800.00'),
        ("板式会议桌（8人）", 'FD-HY-2412', "2400×1200×760mm",
            "张", '4200.00', '2400.00'),
        ("椭圆形洽谈桌", 'FD-HY-1809', "1800×900×750mm",
            "张", '2600.00', '1500.00'),
        ("折叠培训桌", 'FD-HY-1445', "1400×450×750mm 可折叠",
            "张", '560.00', '310.00'),
        ],
    "办公沙发系列": [
        ("真皮三人位沙发", 'FD-SF-3P', "2100×850×800mm 头层牛皮",
            "件", '8600.00', '5100.00'),
        ("单人位接待沙发", 'FD-SF-1P', "950×850×800mm 头层牛皮",
            "件", '2800.00', '1600.00'),
        ("布艺沙发组合（1+1+3）", 'FD-SF-113', "科技布 含茶几",
            "套", '9800.00', '5600.00'),
        ("实木茶几", 'FD-SF-CJ', "1300×650×450mm",
            "件", '1600.00', '900.00'),
        ],
    "转椅系列": [
        ("真皮大班椅", 'FD-YZ-801', "680×700×1200mm 可升降",
            "件", '2980.00', '1680.00'),
        ("人体工学网椅", 'FD-YZ-602', "650×650×1150mm 腰靠可调",
            "件", '1580.00', '860.00'),
        ("中班转椅", 'FD-YZ-401', "600×600×1050mm 西皮",
            "件", '780.00', '420.00'),
        ("职员转椅", 'FD-YZ-301', "580×580×950mm 网布",
            "件", '380.00', '190.00'),
        ],
    }
PRODUCT_ROOT_CATEGORY = "办公家具"
