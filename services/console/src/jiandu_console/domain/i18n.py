"""Labels in Chinese (the default) and English. Pure: pages look labels up by key.

Each area adds its labels to ``LABELS`` in its own module and registers them with ``add``;
a key without a translation shows the key itself, so a missing label is visible, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


_LABELS: dict[str, tuple[str, str]] = {}


def add(labels: Mapping[str, tuple[str, str]]) -> None:
    """Register ``key -> (中文, English)`` labels; a key registered twice must agree."""
    for key, pair in labels.items():
        existing = _LABELS.get(key)
        if existing is not None and existing != pair:
            raise ValueError(f"label {key!r} registered twice with different texts")
        _LABELS[key] = pair


def label(key: str, language: Language) -> str:
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if language is Language.ZH else pair[1]


def language_of(value: str | None) -> Language:
    return Language.EN if value == "en" else Language.ZH


add(
    {
        "app.title": ("监督工作平台", "Jiandu supervision console"),
        "nav.home": ("首页", "Home"),
        "nav.portal": ("群众服务", "Citizens"),
        "nav.staff": ("工作人员", "Staff"),
        "nav.members": ("组成人员", "Members"),
        "nav.department": ("承办单位", "Department"),
        "nav.finance": ("财经监督", "Finance"),
        "nav.operator": ("运维", "Operator"),
        "nav.login": ("登录", "Sign in"),
        "nav.logout": ("退出", "Sign out"),
        "lang.switch": ("English", "中文"),
        "login.title": ("登录", "Sign in"),
        "login.token": ("令牌", "Token"),
        "login.token_help": (
            "粘贴由管理员签发的访问令牌",
            "Paste the access token your administrator issued",
        ),
        "login.demo": ("演示登录（仅限培训环境）", "Demo sign-in (training only)"),
        "login.role": ("角色", "Role"),
        "login.subject": ("用户标识", "User id"),
        "login.organisation": ("所属单位", "Organisation"),
        "login.submit": ("登录", "Sign in"),
        "login.signed_in_as": ("当前用户", "Signed in as"),
        "role.citizen": ("群众", "Citizen"),
        "role.deputy": ("人大代表", "Deputy"),
        "role.committee_staff": ("常委会工作人员", "Committee staff"),
        "role.committee_member": ("常委会组成人员", "Committee member"),
        "role.department": ("承办单位", "Department"),
        "role.partner_agency": ("协作机关", "Partner agency"),
        "role.operator": ("运维人员", "Operator"),
        "error.title": ("出错了", "Something went wrong"),
        "error.not_found": ("页面或记录不存在", "No such page or record"),
        "error.forbidden": ("您的角色无权查看此页", "Your role may not see this page"),
        "error.unavailable": (
            "服务暂时不可用，请稍后再试",
            "A service is unavailable for now; please try again shortly",
        ),
        "error.back": ("返回首页", "Back to the home page"),
        "form.fix_errors": ("请修改标出的内容后再提交", "Please correct the marked fields"),
        "form.submit": ("提交", "Submit"),
        "common.none": ("暂无", "None yet"),
        "common.page": ("页", "Page"),
        "common.next": ("下一页", "Next"),
        "common.previous": ("上一页", "Previous"),
    }
)
