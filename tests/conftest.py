import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DIGEST_000 = SEEDS / "000_5e0e8bdbf41ae710.txt"
DIGEST_001 = SEEDS / "001_2d6888657d96e65b.txt"
TRAIN = SEEDS / "corpus" / "train.jsonl"

# Headlines written for these tests (not in the corpus), one section each, clear to a union editor.
OWN_HEADLINES = {
    "思想引领": ["区总工会举办职工读书分享会 共话新时代奋斗精神", "劳模宣讲团走进校园讲述奋斗故事"],
    "建功立业": ["全市职工焊工技能比武落幕 二十名选手获评技术能手", "省总工会命名一批劳模创新工作室"],
    "维权服务": ["工会为困难职工送去慰问金和年货", "总工会开通法律援助热线帮助农民工讨薪"],
    "构建和谐劳动关系": ["快递企业召开工资集体协商会议签订集体合同", "劳动争议调解中心成功化解一起欠薪纠纷"],
    "组织建设": ["物流园区联合工会成立 两百名货车司机入会", "县总工会举办基层工会干部培训班"],
}


# Commands run in subprocesses import the source tree too, wherever pytest is started from.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


@pytest.fixture(scope="session")
def model():
    import labor_topics

    return labor_topics.load_model(tokenizer="jieba")  # the default backend, whatever else is installed


@pytest.fixture(scope="session")
def seed_items():
    from labor_topics import read_items

    return read_items(DIGEST_000) + read_items(DIGEST_001)


@pytest.fixture(scope="session")
def small_training_items(seed_items):
    """Seed items plus the first 150 five-label corpus items: enough to fit a model quickly."""
    from labor_topics import LABELS, read_items

    corpus = [i for i in read_items(TRAIN) if i.label in LABELS][:150]
    return [i for i in seed_items if i.label in LABELS] + corpus


@pytest.fixture(scope="session")
def small_model(small_training_items):
    """A small character-n-gram model, quick to fit (a linear SVM on 80 items)."""
    from labor_topics import train

    return train(small_training_items[:80], config="chars13-svm-C1-balanced-heads", min_df=3,
                 calibration_cv=2)


@pytest.fixture(scope="session")
def small_bytes(small_model):
    from labor_topics.model_file import model_bytes

    return model_bytes(small_model)
