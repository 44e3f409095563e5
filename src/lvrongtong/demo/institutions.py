"""Financial institutions and other organisations of the demo dataset.

Names are the real kinds of institution present in Chongqing (policy, large state-owned,
joint-stock, city and rural commercial banks, village banks, insurers); every figure attached
to them in the demo is synthetic. Weights approximate relative loan-book size for sampling.
"""

from __future__ import annotations

# (name, subtype, weight)
BANKS: list[tuple[str, str, float]] = [
    ("国家开发银行重庆市分行", "policy_bank", 6.0),
    ("中国进出口银行重庆分行", "policy_bank", 1.5),
    ("中国农业发展银行重庆市分行", "policy_bank", 3.0),
    ("中国工商银行重庆市分行", "large_state_owned", 8.0),
    ("中国农业银行重庆市分行", "large_state_owned", 7.0),
    ("中国银行重庆市分行", "large_state_owned", 5.5),
    ("中国建设银行重庆市分行", "large_state_owned", 7.5),
    ("交通银行重庆市分行", "large_state_owned", 3.0),
    ("中国邮政储蓄银行重庆分行", "large_state_owned", 3.0),
    ("招商银行重庆分行", "joint_stock", 2.5),
    ("上海浦东发展银行重庆分行", "joint_stock", 2.0),
    ("中信银行重庆分行", "joint_stock", 2.0),
    ("中国光大银行重庆分行", "joint_stock", 1.5),
    ("华夏银行重庆分行", "joint_stock", 1.0),
    ("中国民生银行重庆分行", "joint_stock", 1.5),
    ("兴业银行重庆分行", "joint_stock", 2.0),
    ("平安银行重庆分行", "joint_stock", 1.5),
    ("广发银行重庆分行", "joint_stock", 1.0),
    ("浙商银行重庆分行", "joint_stock", 0.8),
    ("渤海银行重庆分行", "joint_stock", 0.6),
    ("恒丰银行重庆分行", "joint_stock", 0.5),
    ("重庆银行", "city_commercial", 4.0),
    ("重庆三峡银行", "city_commercial", 2.0),
    ("成都银行重庆分行", "city_commercial", 0.8),
    ("哈尔滨银行重庆分行", "city_commercial", 0.4),
    ("重庆农村商业银行", "rural_commercial", 7.0),
]

# Village banks: synthetic names tied to a district (code, short name) — one per listed district.
VILLAGE_BANK_DISTRICTS = ["500114", "500116", "500118", "500153", "500155", "500230", "500236", "500240"]

INSURERS = [
    ("中国人民财产保险股份有限公司重庆市分公司", "property_insurer"),
    ("中国平安财产保险股份有限公司重庆分公司", "property_insurer"),
    ("中国太平洋财产保险股份有限公司重庆分公司", "property_insurer"),
    ("中国人寿保险股份有限公司重庆市分公司", "life_insurer"),
]

SECURITIES = [("西南证券股份有限公司", "securities"), ("重庆示例绿色产业投资基金", "fund")]

REGULATORS = [("中国人民银行重庆市分行", "central_bank_branch"),
              ("国家金融监督管理总局重庆监管局", "financial_regulator")]

GOVERNMENT = [("重庆市发展和改革委员会", "ndrc"), ("重庆市生态环境局", "ecology_environment"),
              ("重庆市经济和信息化委员会", "economy_it"), ("国家税务总局重庆市税务局", "tax")]

VERIFIERS = [("重庆示例绿色认证评估有限公司", "green_verifier")]
