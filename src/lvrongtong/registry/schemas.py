"""API shapes for master data (Pydantic v2). Single-field rules live here; cross-field rules in ``rules``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lvrongtong.kit.validation import custom_error
from lvrongtong.reference.uscc import validate_uscc

OrgType = Literal["regulator", "bank", "insurer", "securities_fund", "enterprise", "government", "verifier"]
SizeClass = Literal["large", "medium", "small", "micro"]


def _uscc(value: str) -> str:
    result = validate_uscc(value)
    if not result.valid:
        p = result.problems[0]
        raise custom_error(p.rule, p.message_zh, p.message_en)
    return result.code


def _region(value: str) -> str:
    if not (len(value) == 6 and value.isdigit()):
        raise custom_error("region_format", "行政区划代码应为6位数字（GB/T 2260）",
                           "a region code is 6 digits (GB/T 2260)")
    return value


def _industry(value: str) -> str:
    v = value.strip().upper()
    if not ((len(v) == 1 and v.isalpha()) or (2 <= len(v) <= 4 and v.isdigit())):
        raise custom_error("industry_format", "行业代码应为门类字母或2–4位数字（GB/T 4754-2017）",
                           "an industry code is a section letter or 2–4 digits (GB/T 4754-2017)")
    return v


def _currency(value: str) -> str:
    v = value.strip().upper()
    if not (len(v) == 3 and v.isalpha()):
        raise custom_error("currency_format", "币种应为3位字母代码（ISO 4217）",
                           "currency is a 3-letter ISO 4217 code")
    return v


USCC = Annotated[str, AfterValidator(_uscc)]
RegionCode = Annotated[str, AfterValidator(_region)]
IndustryCode = Annotated[str, AfterValidator(_industry)]
Currency = Annotated[str, AfterValidator(_currency)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, lt=100, max_digits=8, decimal_places=4)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# Organisations -----------------------------------------------------------------------------------

class OrganisationCreate(_In):
    type: OrgType
    subtype: str = Field(default="", max_length=32)
    name: str = Field(min_length=2, max_length=200)
    name_en: str = Field(default="", max_length=200)
    uscc: USCC
    region_code: RegionCode
    parent_id: int | None = None


class OrganisationRead(_Out):
    id: int
    type: str
    subtype: str
    name: str
    name_en: str
    uscc: str
    region_code: str
    parent_id: int | None


# Enterprises -------------------------------------------------------------------------------------

class EnterpriseCreate(_In):
    uscc: USCC
    name: str = Field(min_length=2, max_length=200)
    region_code: RegionCode
    industry_code: IndustryCode
    size_class: SizeClass
    listed: bool = False
    ets_covered: bool = False
    registered_capital_cny: Amount | None = None


class EnterpriseUpdate(_In):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    region_code: RegionCode | None = None
    industry_code: IndustryCode | None = None
    size_class: SizeClass | None = None
    listed: bool | None = None
    ets_covered: bool | None = None
    registered_capital_cny: Amount | None = None


class EnterpriseRead(_Out):
    id: int
    uscc: str
    name: str
    region_code: str
    industry_code: str
    size_class: str
    listed: bool
    ets_covered: bool
    registered_capital_cny: Decimal | None
    updated_at: datetime


# Projects ----------------------------------------------------------------------------------------

class ProjectCreate(_In):
    code: str | None = Field(default=None, max_length=40)
    name: str = Field(min_length=2, max_length=200)
    enterprise_uscc: USCC
    region_code: RegionCode
    address: str = Field(default="", max_length=200)
    industry_code: IndustryCode
    total_investment_cny: Amount
    capacity: dict[str, Decimal] = Field(default_factory=dict)
    description_zh: str = Field(default="", max_length=4000)
    approved_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class ProjectUpdate(_In):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    total_investment_cny: Amount | None = None
    capacity: dict[str, Decimal] | None = None
    description_zh: str | None = Field(default=None, max_length=4000)
    approved_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class ProjectRead(_Out):
    id: int
    code: str
    name: str
    enterprise_uscc: str
    enterprise_name: str
    region_code: str
    address: str
    industry_code: str
    total_investment_cny: Decimal
    capacity: dict
    description_zh: str
    approved_on: date | None
    starts_on: date | None
    ends_on: date | None


# Loans -------------------------------------------------------------------------------------------

class LoanCreate(_In):
    contract_no: str = Field(min_length=1, max_length=64)
    borrower_uscc: USCC
    lender_org_id: int | None = Field(default=None, description="defaults to the caller's organisation")
    project_code: str | None = Field(default=None, max_length=40)
    amount_cny: PositiveAmount
    balance_cny: Amount
    rate_pct: Rate | None = None
    currency: Currency = "CNY"
    approved_on: date
    disbursed_on: date | None = None
    matures_on: date
    purpose: str = Field(default="", max_length=400)
    collateral: str = Field(default="", max_length=32)
    region_code: RegionCode | None = Field(default=None, description="defaults to the borrower's region")
    industry_code: IndustryCode | None = Field(default=None, description="defaults to the borrower's industry")
    declared_green: bool = False
    declared_transition: bool = False
    carbon_reduction_tool: bool = False


class LoanUpdate(_In):
    balance_cny: Amount | None = None
    rate_pct: Rate | None = None
    disbursed_on: date | None = None
    matures_on: date | None = None
    purpose: str | None = Field(default=None, max_length=400)
    project_code: str | None = Field(default=None, max_length=40)
    declared_green: bool | None = None
    declared_transition: bool | None = None
    carbon_reduction_tool: bool | None = None


class LoanRead(BaseModel):
    id: int
    contract_no: str
    borrower_uscc: str
    borrower_name: str
    lender_org_id: int
    lender_name: str
    project_id: int | None
    amount_cny: Decimal
    balance_cny: Decimal
    rate_pct: Decimal | None
    currency: str
    approved_on: date
    disbursed_on: date | None
    matures_on: date
    purpose: str
    collateral: str
    region_code: str
    industry_code: str
    declared_green: bool
    declared_transition: bool
    carbon_reduction_tool: bool


# Bonds -------------------------------------------------------------------------------------------

class BondCreate(_In):
    bond_code: str = Field(min_length=1, max_length=64)
    issuer_uscc: USCC
    holder_org_id: int | None = None
    project_code: str | None = Field(default=None, max_length=40)
    bond_type: str = Field(default="", max_length=32)
    amount_cny: PositiveAmount
    balance_cny: Amount
    rate_pct: Rate | None = None
    currency: Currency = "CNY"
    registered_on: date
    issued_on: date | None = None
    matures_on: date
    declared_green: bool = False
    declared_transition: bool = False


class BondRead(BaseModel):
    id: int
    bond_code: str
    issuer_uscc: str
    issuer_name: str
    holder_org_id: int
    holder_name: str
    project_id: int | None
    bond_type: str
    amount_cny: Decimal
    balance_cny: Decimal
    rate_pct: Decimal | None
    currency: str
    registered_on: date
    issued_on: date | None
    matures_on: date
    declared_green: bool
    declared_transition: bool




class _PageBase(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int


class LoanPage(_PageBase):
    items: list[LoanRead]


class EnterprisePage(_PageBase):
    items: list[EnterpriseRead]


class ProjectPage(_PageBase):
    items: list[ProjectRead]


class OrganisationPage(_PageBase):
    items: list[OrganisationRead]


class BondPage(_PageBase):
    items: list[BondRead]
