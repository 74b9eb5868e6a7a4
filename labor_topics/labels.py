"""The five digest sections, in the order a weekly digest (一周速览) lists them."""

LABELS: tuple[str, ...] = ("思想引领", "建功立业", "维权服务", "构建和谐劳动关系", "组织建设")

#: Corpus label for items that belong to none of the five sections (never trained on).
NONE_LABEL = "无"

#: Section heading in the seed digests that is not a label: its items are neither trained on nor `无`.
NEWS_HEADING = "工作动态"

#: Headings that open a section in a sectioned digest.
DIGEST_HEADINGS: tuple[str, ...] = (NEWS_HEADING, *LABELS)

