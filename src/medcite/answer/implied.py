"""Conditions a question implies without naming them, read from its findings and lab values.

A case often names its problem only through what was measured or seen ("temp 38.2, HR 104, a bit more
confused"): these rules name it ("sepsis") so retrieval, the topic choice and the bottom line can read it.
Each rule follows a published definition or threshold, cited where it is defined.
"""

from __future__ import annotations

import re

from medcite.answer.age import stated_age
from medcite.answer.drugs import class_words, find_drugs
from medcite.answer.schema import LabFact
from medcite.search.expansion import states_pregnancy

PREGNANT = re.compile(r"\bpregnan\w*|\bgestation\w*|\btrimester\b|\bweeks pregnant\b", re.I)
NOT_PREGNANT = re.compile(
    r"\b(?:not|non-?|isn't|is not)\s*pregnant|\b(?:planning|plans|wishes|wanting|trying)\s+(?:a\s+|to\s+)?"
    r"(?:become\s+|get\s+)?(?:pregnan\w*|conceive)",
    re.I,
)


_GLUCOSE_NAMES = r"glucose|blood sugar|cbg|bg|bms?"
# "breast ca", "ovarian Ca": the clinic shorthand for a cancer of the organ named
CANCER_ORGANS = (
    r"ovarian|breast|lung|prostate|prostatic|bowel|colorectal|colon|rectal|pancreatic|gastric|stomach|"
    r"oesophageal|esophageal|bladder|renal|cervical|endometrial|testicular|head and neck"
)


# A value this far outside the adult reference range names the problem when the question does not
# ("Potassium 7.1 mmol/L with peaked T waves"). Conventional cut-offs; units as the question gives
# them, and glucose read as mg/dL above 30, mmol/L below.
_LAB_CONDITIONS: list[tuple[str, str, float, str]] = [
    (r"potassium|k\+?", ">", 5.5, "hyperkalaemia"),
    (r"potassium|k\+?", "<", 3.5, "hypokalaemia"),
    (r"sodium|na\+?", "<", 135, "hyponatraemia"),
    (r"sodium|na\+?", ">", 145, "hypernatraemia"),
    (_GLUCOSE_NAMES, "<", 4.0, "hypoglycaemia"),
    (r"neutrophils?|anc|neuts", "<", 1.0, "neutropenia"),
    (r"platelets?|plts?", "<", 100, "thrombocytopenia"),  # 10^9/L, the unit counts are given in
]


def condition_from_labs(labs: list[LabFact]) -> str | None:
    """The disorder an out-of-range potassium, sodium, glucose, neutrophil or platelet count names, for the
    first such lab (with a temperature of 38 or more, neutropenia is febrile neutropenia)."""
    for lab in labs:
        try:
            value = float(lab.value)
        except ValueError:
            continue
        if re.fullmatch(_GLUCOSE_NAMES, lab.name, re.I) and (
            (lab.unit or "").lower() == "mg/dl" or value > 30
        ):
            value = value / 18.0  # mg/dL to mmol/L
        if re.fullmatch(r"neutrophils?|anc|neuts", lab.name, re.I) and value >= 50:
            value = value / 1000.0  # cells per microlitre to 10^9/L
        for name, op, limit, condition in _LAB_CONDITIONS:
            if re.fullmatch(name, lab.name, re.I) and (value > limit if op == ">" else value < limit):
                if condition == "neutropenia" and _febrile(labs):
                    return "febrile neutropenia"
                return condition
    return None


def _temperature(labs: list[LabFact]) -> float | None:
    return _lab_value(labs, r"temp(?:erature)?|t")


def _febrile(labs: list[LabFact]) -> bool:
    temperature = _temperature(labs)
    return temperature is not None and temperature >= 38.0


def _lab_value(labs: list[LabFact], name: str, part: int = 0) -> float | None:
    """The first lab of that name as a number (`part` 1 of "128/76" is the diastolic)."""
    for lab in labs:
        if re.fullmatch(name, lab.name, re.I):
            try:
                return float(lab.value.split("/")[part])
            except (ValueError, IndexError):
                return None
    return None


_CONFUSED = re.compile(r"\bconfus\w*|\bdrows\w*|\baltered (?:mental|conscious)|\bdelirium\b|\bGCS\b", re.I)


def _suspected_sepsis(text: str, labs: list[LabFact]) -> bool:
    """An abnormal temperature with a sign that the body is failing to cope (qSOFA: respiratory rate
    22 or more, new confusion, systolic 100 or less; or lactate 2 or more) or with SIRS criteria
    (heart rate over 90 with respiratory rate over 20 or white cells over 12 or under 4): screen as
    suspected sepsis, as the sepsis guidelines ask, even when the question does not say the word."""
    temperature = _temperature(labs)
    if temperature is None or 36.0 <= temperature < 38.0:
        return False
    rate = _lab_value(labs, r"heart rate|hr|pulse")
    breathing = _lab_value(labs, r"respiratory rate|rr")
    systolic = _lab_value(labs, r"blood pressure|bp")
    lactate = _lab_value(labs, r"lactate")
    white = _lab_value(labs, r"wbc|wcc|white cell count")
    organ = (
        (breathing is not None and breathing >= 22)
        or (systolic is not None and systolic <= 100)
        or (lactate is not None and lactate >= 2.0)
        or bool(_CONFUSED.search(_affirmed(text)))
    )
    sirs = (rate is not None and rate > 90) and (
        (breathing is not None and breathing > 20) or (white is not None and not 4 <= white <= 12)
    )
    return organ or sirs


# "seizure going on for 6 minutes": a convulsive seizure of 5 minutes or more is status epilepticus
_PROLONGED_SEIZURE = re.compile(
    r"\b(?:seizure|convulsion|fit|tonic-clonic|GTC|GTCS|convulsing|seizing|fitting)s?\b[^.?]{0,40}?"
    r"\b(?:for|lasting|over|of)\s+(\d+)\s*(?:min|mins|minutes)\b",
    re.I,
)
STATUS_EPILEPTICUS_MINUTES = 5


def status_epilepticus(text: str) -> bool:
    """A convulsive seizure said to last 5 minutes or more (the operational definition guidelines use)."""
    prolonged = _PROLONGED_SEIZURE.search(text)
    return bool(prolonged and int(prolonged.group(1)) >= STATUS_EPILEPTICUS_MINUTES)


# fever or rigors with loin (flank) pain: an upper urinary tract infection until shown otherwise
_LOIN_PAIN = re.compile(
    r"\b(?:loin|flank|renal angle|costovertebral angle|CVA)\b[^.?]{0,20}?\b(?:pain|tender\w*)", re.I
)
# "now 38.4", "spiking 39", "38.5 C": a temperature given without its name
_FEVER_WORDS = re.compile(
    r"\b(?:rigou?rs|fever\w*|febrile|pyrexi\w*|temperature of 3[89])\b"
    r"|\b3[89](?:\.\d)?\s*(?:°\s*C?|degrees\b|C\b)"
    r"|\b(?:now|spiking|spiked|spikes|up to)\s+(?:to\s+)?(?:3[89]|4[01])\.\d\b"
    r"(?!\s*(?:kg|g\b|mg|mcg|mmol|micromol|%|/|weeks?|wks|years?|yrs|yo\b|y\b|units?|ml|min|hours?|h\b|days?|\d))",
    re.I,
)


# "no fever", "not confused", "denies loin pain": findings the case rules out
# ("no melaena or haematemesis": every finding of the list)
_NEGATED_FINDING = re.compile(
    r"\b(?:no|not|without|denies|denied|nil)\s+(?:[\w-]+\s+){0,2}?[\w-]+(?:\s+(?:or|nor)\s+[\w-]+)*", re.I
)


def _affirmed(text: str) -> str:
    """The text without the findings it says are absent."""
    return _NEGATED_FINDING.sub(" ", text)


# haemolysis after an oxidant drug or fava beans ("a haemolytic crisis after primaquine") is G6PD deficiency
G6PD_DEFICIENCY = "G6PD deficiency"
_OXIDANTS = r"(?:primaquine|tafenoquine|dapsone|fava|broad beans?|rasburicase|methylene blue)"
_OXIDANT_HAEMOLYSIS = re.compile(
    rf"\bha?emoly\w*[^.;?]{{0,60}}?\b{_OXIDANTS}\b|\b{_OXIDANTS}\b[^.;?]{{0,60}}?\bha?emoly\w*|\bfavism\b",
    re.I,
)


# drugs a stated disease rules out, as their labels put it: the non-selective beta-blockers are
# contraindicated in asthma (bronchospasm). Cardioselective ones are left to the source's own advice.
_RULED_OUT_BY = [
    (
        re.compile(r"\basthma(?:tic)?s?\b", re.I),
        frozenset({"labetalol", "propranolol", "carvedilol", "nadolol", "sotalol", "timolol"}),
    ),
    # rasburicase is contraindicated in G6PD deficiency (haemolysis; boxed warning in its US label), and so
    # is any patient who had oxidant haemolysis
    (re.compile(rf"\bG6PD[- ]deficien\w*|{_OXIDANT_HAEMOLYSIS.pattern}", re.I), frozenset({"rasburicase"})),
]


def ruled_out_drugs(case: str) -> frozenset[str]:
    """Drugs (lower case) the case's own diseases rule out: labetalol for a woman with asthma."""
    affirmed = _affirmed(case)
    return frozenset(d for pattern, drugs in _RULED_OUT_BY if pattern.search(affirmed) for d in drugs)


# dysuria with frequency, urgency or a positive dipstick: a urinary tract infection
_DYSURIA = re.compile(r"\bdysuri\w*|burning (?:on|when) (?:passing urine|peeing|urinating)", re.I)
_URINARY_SIGNS = re.compile(
    r"\bfrequency\b|\burgency\b|\bnitrites?\b|\bleu[ck]ocytes?\b|\bdip(?:stick)?\b[^.,;]{0,12}\bpositive|"
    r"\bdip(?:stick)?\s*\+|\bnitrite\s*\+",
    re.I,
)


# ADA 2024 consensus criteria for DKA: glucose 200 mg/dL (11.1 mmol/L) or more or known diabetes, ketones
# (beta-hydroxybutyrate 3.0 mmol/L or more), and pH below 7.3 or bicarbonate below 18 mmol/L
def _ketoacidosis(text: str, labs: list[LabFact]) -> bool:
    ph = _lab_value(labs, r"ph")
    bicarbonate = _lab_value(labs, r"bicarbonate|bicarb|hco3")
    ketones = _lab_value(labs, r"bhb|beta-hydroxybutyrate|ketones")
    glucose = _lab_value(labs, r"glucose|blood sugar|cbg|bg")
    acidotic = (ph is not None and ph < 7.3) or (bicarbonate is not None and bicarbonate < 18)
    diabetic = bool(re.search(r"\bT[12]DM\b|diabet", text, re.I)) or (
        glucose is not None and (glucose >= 200 or 11.1 <= glucose < 50)
    )
    return acidotic and diabetic and ketones is not None and ketones >= 3.0


def _lower_uti(text: str) -> bool:
    text = _affirmed(text)
    return bool(_DYSURIA.search(text)) and bool(_URINARY_SIGNS.search(text))


def _febrile_urinary(text: str, labs: list[LabFact]) -> bool:
    """Fever with a positive urine dipstick (or frequency): the signs NICE NG224 (2022) lists as raising
    the likelihood of a UTI, and how a febrile baby's UTI is usually found."""
    text = _affirmed(text)
    return (_febrile(labs) or bool(_FEVER_WORDS.search(text))) and bool(_URINARY_SIGNS.search(text))


def _upper_uti(text: str, labs: list[LabFact]) -> bool:
    text = _affirmed(text)
    return bool(_LOIN_PAIN.search(text)) and (_febrile(labs) or bool(_FEVER_WORDS.search(text)))


# known adrenal insufficiency with vomiting or low blood pressure: treat as an adrenal crisis
_ADRENAL_INSUFFICIENCY = re.compile(r"\baddison\w*|\badrenal insufficiency\b|\bhypoadrenal\w*", re.I)
_CRISIS_SIGNS = re.compile(r"\bvomit\w*|\bshock\w*|\bcollaps\w*|\bhypotensi\w*", re.I)
CRISIS_SYSTOLIC = 90  # mm Hg


def _adrenal_crisis(text: str, labs: list[LabFact]) -> bool:
    if not _ADRENAL_INSUFFICIENCY.search(text):
        return False
    systolic = _lab_value(labs, r"blood pressure|bp")
    return bool(_CRISIS_SIGNS.search(_affirmed(text))) or (
        systolic is not None and systolic < CRISIS_SYSTOLIC
    )


# blood pressure at which hypertension is severe: 160/110 in pregnancy (NICE NG133), 180/120 otherwise
# (NICE NG136; ACC/AHA 2017 calls it a hypertensive crisis)
SEVERE_BP_PREGNANCY = (160, 110)
SEVERE_BP = (180, 120)


# NICE NG133: pre-eclampsia is hypertension (140/90 or more) in pregnancy with significant proteinuria, a
# urine protein:creatinine ratio above 30 mg/mmol (or 2+ on a dipstick as a prompt to quantify); the case
# may be antenatal or just delivered ("atonic bleed ... on labetalol antenatally, PCR 80, BP 158/104")
HYPERTENSION_BP = (140, 90)
PROTEINURIA_PCR = 30  # mg/mmol
_OBSTETRIC = re.compile(
    r"\bantenatal\w*|\bpost-?partum\b|\bpost-?natal\w*|\bPPH\b|\bdeliver(?:y|ed)\b|\batonic\b|\bcaesarean\b"
    r"|\bLSCS\b|\bsynto(?:cinon|metrine)?\b|\bplacenta\w*|\blabou?r\b|\b\d{1,2}/40\b",
    re.I,
)
_PCR_VALUE = re.compile(
    r"\b(?:u?PCR|protein[: ]creatinine ratio)\s*(?:of\s*|=\s*|:\s*)?(\d+(?:\.\d+)?)", re.I
)
_PROTEINURIA = re.compile(r"\bproteinuria\b|\bprotein\s*(?:\+\+|2\+|3\+|\+\+\+)", re.I)
_PRE_ECLAMPSIA_NAMED = re.compile(r"\bpre-?eclampsia\b|\bPET\b|\bHELLP\b", re.I)


def _pre_eclampsia(text: str, labs: list[LabFact]) -> bool:
    if _PRE_ECLAMPSIA_NAMED.search(text):
        return False
    if not (states_pregnancy(text) or PREGNANT.search(text) or _OBSTETRIC.search(text)):
        return False
    systolic, diastolic = _lab_value(labs, r"blood pressure|bp"), _lab_value(labs, r"blood pressure|bp", 1)
    hypertensive = (systolic is not None and systolic >= HYPERTENSION_BP[0]) or (
        diastolic is not None and diastolic >= HYPERTENSION_BP[1]
    )
    pcr = _PCR_VALUE.search(text)
    affirmed = _affirmed(text)
    return hypertensive and (
        (pcr is not None and float(pcr.group(1)) > PROTEINURIA_PCR) or bool(_PROTEINURIA.search(affirmed))
    )


def _severe_hypertension(text: str, labs: list[LabFact]) -> bool:
    systolic, diastolic = _lab_value(labs, r"blood pressure|bp"), _lab_value(labs, r"blood pressure|bp", 1)
    pregnant = bool(PREGNANT.search(text)) and not NOT_PREGNANT.search(text)
    high_systolic, high_diastolic = SEVERE_BP_PREGNANCY if pregnant else SEVERE_BP
    return (systolic is not None and systolic >= high_systolic) or (
        diastolic is not None and diastolic >= high_diastolic
    )


# 2022 ACR/EULAR classification criteria for giant cell arteritis (Ponte et al., Arthritis Rheumatol
# 2022;74:1881-9): at 50 or older, 6 points or more from sudden visual loss (3), ESR 50 mm/h or more or
# CRP 10 mg/L or more (3), and 2 each for jaw or tongue claudication, new temporal headache, scalp
# tenderness, an abnormal temporal artery, and morning stiffness of the shoulders or neck. Classification
# criteria are not a diagnosis: here they only name what the case is suspected to be.
_GCA_SIGNS: list[tuple[re.Pattern[str], int]] = [
    (
        re.compile(
            r"\b(?:visual|vision|sight)\s+(?:loss|disturbance)|\bamaurosis"
            r"|\b(?:lost|loss of) (?:the )?vision",
            re.I,
        ),
        3,
    ),
    (re.compile(r"\b(?:jaw|tongue)\s+claudication", re.I), 2),
    (re.compile(r"\b(?:new|temporal)\s+(?:\w+\s+)?headaches?\b", re.I), 2),
    (re.compile(r"\bscalp\s+(?:tenderness|tender|pain)", re.I), 2),
    (re.compile(r"\btemporal arter(?:y|ies)\b[^.;]{0,20}?\b(?:tender|thickened|pulseless|beaded)", re.I), 2),
    (
        re.compile(
            r"\b(?:shoulder|neck)\w*\s+(?:and\s+\w+\s+)?(?:girdle\s+)?(?:pain\s+and\s+)?stiffness", re.I
        ),
        2,
    ),
]
GCA_MIN_AGE = 50
GCA_POINTS = 6


# a positive temporal artery ultrasound or biopsy has made the diagnosis, whatever else the case says
_GCA_CONFIRMED = re.compile(
    r"\btemporal\s+(?:artery\s+)?(?:USS|ultrasound|biopsy|TAB|duplex)\b[^.;]{0,20}?\b(?:positive|confirmed|halo)"
    r"|\bpositive\s+temporal\s+(?:artery\s+)?(?:USS|ultrasound|biopsy|duplex)\b",
    re.I,
)


def _giant_cell_arteritis(text: str, labs: list[LabFact]) -> bool:
    if _GCA_CONFIRMED.search(_affirmed(text)):
        return True
    age = stated_age(text)
    if age is None or age.years < GCA_MIN_AGE:
        return False
    text = _affirmed(text)
    points = sum(weight for pattern, weight in _GCA_SIGNS if pattern.search(text))
    esr, crp = _lab_value(labs, r"esr"), _lab_value(labs, r"crp")
    if (esr is not None and esr >= 50) or (crp is not None and crp >= 10):
        points += 3
    return points >= GCA_POINTS


# KDIGO Clinical Practice Guideline for Acute Kidney Injury (Kidney Int Suppl 2012;2:1-138): a rise in
# serum creatinine to 1.5 times baseline or more (within the prior 7 days) defines AKI. Read from two
# values the question gives in order ("creat 95 -> 190", "creatinine went from 80 to 150").
AKI_CREATININE_RATIO = 1.5
_CREATININE_RISE = re.compile(
    r"\b(?:creat\w*|s?cr)\b\D{0,20}?(?P<before>\d+(?:\.\d+)?)\s*(?:\w+/\w+\s*)?"
    r"(?:->|→|-+>|to|then|now|up to|rose to|has risen to)\s*(?P<after>\d+(?:\.\d+)?)\b",
    re.I,
)


def _acute_kidney_injury(text: str) -> bool:
    m = _CREATININE_RISE.search(text)
    if not m:
        return False
    before, after = float(m.group("before")), float(m.group("after"))
    return before > 0 and after / before >= AKI_CREATININE_RATIO


# new consolidation (shadowing, an infiltrate) on chest imaging with symptoms of a lower respiratory tract
# infection is how NICE CG191 (2014) defines pneumonia; a CRB-65 or CURB-65 score is only scored for it
_CONSOLIDATION = re.compile(
    r"\b(?:consolidation|infiltrates?|shadowing|opacit(?:y|ies))\b[^.?;]{0,30}?\b(?:CXR|chest x-?ray|"
    r"chest film|chest radiograph|x-?ray|CT)\b|\b(?:CXR|chest x-?ray|x-?ray)\b[^.?;]{0,30}?"
    r"\b(?:consolidation|infiltrates?|shadowing|opacit(?:y|ies))\b",
    re.I,
)
_CHEST_SYMPTOMS = re.compile(r"\bcough\w*|\bsputum\b|\bfever\w*|\bfebrile\b|\bpleuritic\b|\bSOB\b", re.I)
_PNEUMONIA_SCORE = re.compile(r"\b(?:CRB|CURB)-?65\b", re.I)


def _pneumonia(text: str, labs: list[LabFact]) -> bool:
    affirmed = _affirmed(text)
    if _PNEUMONIA_SCORE.search(text):
        return True
    return bool(_CONSOLIDATION.search(affirmed)) and (
        bool(_CHEST_SYMPTOMS.search(affirmed)) or _febrile(labs)
    )


# an NIHSS score is only scored for a suspected stroke; a new focal deficit (speech, one side's limbs,
# a field) with a time of onset is a stroke until imaging says otherwise (the case a stroke topic answers)
_NIHSS = re.compile(r"\bNIHSS\s*(?:of|score|=|:)?\s*\d", re.I)
_FOCAL_DEFICIT = re.compile(
    r"\b(?:dysarthri\w*|aphasi\w*|dysphasi\w*|hemipar\w*|hemipleg\w*|hemianopi\w*|"
    r"(?:arm|leg|hand|limb)s?\b[^.?;]{0,20}?\b(?:weak\w*|clums\w*|numb\w*))",
    re.I,
)
_ONSET = re.compile(r"\b(?:onset|ago|woke (?:up )?with)\b|\b(?:since|from|at) \d", re.I)


def _stroke(text: str) -> bool:
    if _NIHSS.search(text):
        return True
    affirmed = _affirmed(text)
    return bool(_FOCAL_DEFICIT.search(affirmed)) and bool(_ONSET.search(affirmed))


# red skin that is hot, swollen or tender on a limb or the face (not a joint) is cellulitis until shown
# otherwise: the skin infection the cellulitis topic answers
_RED_SKIN = re.compile(r"\b(?:red|redness|erythema\w*|erythematous)\b", re.I)
_INFLAMED = re.compile(r"\b(?:hot|warm|swollen|swelling|tender|spreading)\b", re.I)
_SKIN_SITE = re.compile(
    r"\b(?:skin|leg|shin|calf|arm|forearm|cheek|face|foot|thigh|hand|lower limb|upper limb)s?\b", re.I
)
_JOINT = re.compile(r"\b(?:joint|toe|knee|ankle|MTP|wrist|elbow|shoulder|hip|gout\w*|bursa\w*)\b", re.I)


def _cellulitis(text: str) -> bool:
    for clause in re.split(r"[.;?!]", _affirmed(text)):
        if (
            _RED_SKIN.search(clause)
            and _INFLAMED.search(clause)
            and _SKIN_SITE.search(clause)
            and not _JOINT.search(clause)
        ):
            return True
    return False


# ILAE 2017 seizure classification: an aura of deja vu, automatisms such as lip-smacking, or a focal
# (temporal) discharge on EEG describe seizures of focal onset
_FOCAL_SEIZURE = re.compile(
    r"\bd[eé]j[aà][ -]vu\b|\bjamais[ -]vu\b|\blip[- ]smack\w*|\b(?:oral|manual)?\s?automatisms?\b"
    r"|\b(?:rising\s+)?epigastric\s+(?:aura|sensation)\b"
    # (sharp waves or spikes; not "focal slowing", which is no epileptic discharge)
    r"|\b(?:temporal|frontal|focal)\s+(?:lobe\s+)?(?:sharp|spike)(?:[- ]and[- ]slow)?(?:\s+wave)?s?\b"
    r"|\bfocal\s+(?:aware|impaired awareness|onset)\b",
    re.I,
)
# a low platelet count "presumed immune" (no other cause found) is immune thrombocytopenia
# (isolated: the other counts and the blood film normal, ASH 2019's diagnosis of exclusion)
_IMMUNE = re.compile(
    r"\b(?:presumed|probable|likely|suspected|query|\?)\s*immune\b|\bautoimmune\b|\bisolated\b"
    r"|\bno (?:platelet )?(?:clumping|clumps|blasts)\b"
    r"|\b(?:Hb|haemoglobin|hemoglobin) and (?:WCC|WBC|white (?:cells?|count))\s+(?:are\s+|were\s+)?normal\b",
    re.I,
)
# "rest of FBC and film normal": the same, unless heparin (a cause of its own, HIT) is named
_OTHERWISE_NORMAL_COUNT = re.compile(
    r"\b(?:rest of (?:the |her |his )?(?:FBC|CBC|full blood count|blood count)|other (?:cell lines|counts))\b"
    r"[^.;?]{0,25}\bnormal\b|\b(?:blood )?film\s+(?:is\s+|was\s+)?(?:normal|unremarkable)\b"
    r"|\bnormal (?:blood )?film\b",
    re.I,
)
_HEPARIN = re.compile(r"\b(?:\w*heparin|enoxaparin|dalteparin|tinzaparin|LMWH|UFH|clexane|fragmin)\b", re.I)
# "UBT still +ve", "stool antigen positive": a positive test for H. pylori is the infection
_PYLORI_TEST = re.compile(
    r"\b(?:UBT|urea breath test|(?:H\.? ?pylori )?stool antigen(?: test)?|HpSA)\s*"
    r"(?:is |was |still |came back )*(?:\+ve|positive|pos)\b",
    re.I,
)
# a barking (seal-like) cough in a young child is croup
_BARKING_COUGH = re.compile(r"\b(?:bark\w*|seal-?like|croupy)\s+cough\b", re.I)
# a vasopressor running for an infection is septic shock (Sepsis-3: vasopressors needed to hold a MAP of 65)
_VASOPRESSOR = re.compile(r"\b(?:norad\w*|norepinephrine|vasopressin|metaraminol)\b", re.I)
_INFECTION = re.compile(
    r"\bseps\w*|\bseptic\b|\bsource\b|\binfect\w*|\bpneumonia\b|\burosepsis\b|\bcholangitis\b|\bperitonitis\b",
    re.I,
)
# a bulging, red eardrum is acute otitis media (AAP 2013 diagnosis)
_BULGING_EARDRUM = re.compile(
    r"\bbulging\b[^.;?]{0,20}?\b(?:TMs?|tympanic membranes?|ear ?drums?)\b"
    r"|\b(?:TMs?|tympanic membranes?|ear ?drums?)\b[^.;?]{0,15}?\bbulging\b",
    re.I,
)
_CANCER_WORD = re.compile(
    # ("breast ca" is a cancer; "corrected Ca 2.8" is calcium)
    r"\b(?:\w+\s+)?(?:adeno)?carcinoma\b|\bcancer\b|\bmalignan\w*|\bmetasta\w*|\btumou?r\b"
    rf"|\b(?:{CANCER_ORGANS})\s+ca\b"
    r"|\blymphoma\b|\bmyeloma\b|\bon chemo\w*",
    re.I,
)
# regular use of heroin or street opioids ("injecting heroin daily", "smoking heroin for 3 years") is
# opioid use disorder for the questions a clinician asks about it (DSM-5 diagnoses it from its harms)
_REGULAR_OPIOID_USE = re.compile(
    r"\b(?:injecting|injects|smoking|smokes|using|uses|taking|takes|on)\s+(?:street\s+)?"
    r"(?:heroin|illicit opioids?)\b"
    r"|\bheroin\b[^.;?]{0,30}\b(?:daily|every day|habit|use|user|dependen\w*|addict\w*)\b"
    r"|\b(?:IVDU|PWID)\b",
    re.I,
)
_OUD_NAMED = re.compile(r"\bopioid (?:use disorder|dependen\w*|addiction)\b|\bOUD\b", re.I)
# podagra (acute arthritis of the first MTP joint) and tophi are gout's own signs
_GOUT_SIGN = re.compile(r"\bpodagra\b|\btoph(?:i|us|aceous)\b", re.I)
# overt upper GI bleeding presents as haematemesis (or coffee-ground vomit) or melaena (ACG 2021 scope)
_UPPER_GI_BLEEDING_SIGN = re.compile(
    r"\bmela?ena\b|\bmelaenic\b|\bha?ematemesis\b|\bcoffee[- ]grounds?\b", re.I
)
_GI_BLEED_NAMED = re.compile(
    r"\b(?:upper )?(?:GI|gastrointestinal) (?:bleed\w*|haemorrhage|hemorrhage)\b|\bUGIB\b", re.I
)
_VTE_WORD = re.compile(r"\bDVT\b|\bPE\b|\bVTE\b|\bthrombos[ie]s\b|\bpulmonary embol\w*|\bclot\b", re.I)
# the luminal gut: where the DOAC bleeding risk in cancer-associated thrombosis is higher
_LUMINAL_GI = re.compile(
    r"\b(?:sigmoid|colonic|colon|colorectal|rectal|rectum|caecal|bowel|oesophageal|esophageal|gastric|"
    r"stomach|duodenal|small bowel|anal)\b[^.;?]{0,15}?"
    r"\b(?:adeno)?(?:carcinoma|cancer|ca|tumou?r|malignancy)\b",
    re.I,
)


# WHO 2011 / ADA: an HbA1c of 48 mmol/mol (6.5%) or more is diabetes; on a glucose-lowering tablet and not
# said to be type 1, it is type 2
HBA1C_DIABETES_MMOL = 48
HBA1C_DIABETES_PERCENT = 6.5
# what a glucose-lowering drug is, by name or by the class its name places it in (`drugs.CLASS_WORDS`)
_GLUCOSE_LOWERING_DRUGS = frozenset({"metformin", "pioglitazone", "tirzepatide"})
_GLUCOSE_LOWERING_CLASSES = frozenset({"SGLT2", "GLP-1", "DPP-4", "sulfonylurea"})


def _takes_glucose_lowering(text: str) -> bool:
    return any(
        d.name.lower() in _GLUCOSE_LOWERING_DRUGS or _GLUCOSE_LOWERING_CLASSES & set(class_words(d.name))
        for d in find_drugs(text)
    )


_TYPE_1 = re.compile(r"\btype\s?1\b|\bT1(?:DM)?\b|\bLADA\b", re.I)


def _type_2_diabetes(text: str, labs: list[LabFact]) -> bool:
    hba1c = _lab_value(labs, r"hba1c|a1c")
    if hba1c is None or not _takes_glucose_lowering(text) or _TYPE_1.search(text):
        return False
    return hba1c >= (HBA1C_DIABETES_MMOL if hba1c > 20 else HBA1C_DIABETES_PERCENT)


_NO_CANCER = re.compile(
    r"\b(?:no|without|denies|nil)\b(?:\s+(?:known|history|of|previous|personal|active)){0,3}\s+"
    r"(?:cancer|malignan\w*|tumou?r)\b",
    re.I,
)


def _cancer_thrombosis(text: str) -> bool:
    affirmed = _affirmed(_NO_CANCER.sub(" ", text))
    return bool(_CANCER_WORD.search(affirmed) and _VTE_WORD.search(affirmed))


# C. difficile infection with hypotension or shock, ileus or megacolon is fulminant (IDSA/SHEA 2021)
_CDI = re.compile(r"\bC\.?\s?diff(?:icile)?\b|\bCDI\b|\bclostridi(?:oides|um) difficile\b", re.I)
_FULMINANT_SIGNS = re.compile(
    r"\bhypotensi\w*|\bshock\b|\bnoradrenaline\b|\bnorepinephrine\b|\bvasopressors?\b|\bileus\b"
    r"|\bmegacolon\b|\b(?:BP|blood pressure)\s*(?:of\s*)?(?:[4-8]\d)\s*/",
    re.I,
)


def _fulminant_cdi(text: str) -> bool:
    affirmed = _affirmed(text)
    return bool(_CDI.search(affirmed)) and bool(_FULMINANT_SIGNS.search(affirmed))


# a lower motor neurone facial weakness (the forehead involved) with nothing else on examination is Bell's
# palsy until shown otherwise; a stroke spares the forehead
_LMN_FACIAL = re.compile(
    r"\bLMN\b[^.?;]{0,20}\b(?:facial|face|7th|VII)\b"
    r"|\b(?:facial|face)\b[^.?;]{0,30}\b(?:droop\w*|weak\w*|pals\w*)\b[^.?;]{0,40}"
    r"\b(?:forehead|brow)\b(?!\s+(?:spar\w*|not|normal|intact))",
    re.I,
)


def _bells_palsy(text: str) -> bool:
    return bool(_LMN_FACIAL.search(_affirmed(text)))


# inflammation limited to the rectum on sigmoidoscopy is ulcerative proctitis (the extent names the disease)
_RECTUM_ONLY = re.compile(
    r"\b(?:inflamm\w*|colitis|proctitis|ulcerat\w*|disease)\b[^.;?]{0,25}?\b(?:limited|confined|restricted)"
    r"\s+to\s+(?:the\s+)?rectum\b",
    re.I,
)


# European clinical practice guideline on hyponatraemia (Spasovski et al., Eur J Endocrinol 2014): the
# serum sodium should rise by no more than 10 mmol/L in the first 24 hours
SODIUM_RISE_LIMIT_24H = 10
_SODIUM_RISE = re.compile(
    r"\b(?:Na\+?|sodium)\b\D{0,30}?\b(?P<before>1[0-3]\d)\b[^.?;]{0,60}?"
    r"(?:\bnow|\bto|->|→|\bup to|\brose to)\s*(?P<after>1[0-4]\d)\b[^.?;]{0,40}?"
    r"\b(?:at|in|after|over|within)\s*(?P<hours>\d{1,2})\s*(?:h|hrs?|hours?)\b",
    re.I,
)


# "Na 114 on arrival ... Na at 10 h is 127": the second value named again, its hours before it
_SODIUM_LATER = re.compile(
    r"\b(?:Na\+?|sodium)\b\D{0,30}?\b(?P<before>1[0-3]\d)\b.{0,200}?\b(?:Na\+?|sodium)\s+(?:at|after)\s*"
    r"(?P<hours>\d{1,2})\s*(?:h|hrs?|hours?)\b\s*(?:is|was|=|:|of)?\s*(?P<after>1[0-4]\d)\b",
    re.I | re.S,
)


# "Na 113 on admission ... 14h later Na is 126": the hours before the second value
_SODIUM_HOURS_LATER = re.compile(
    r"\b(?:Na\+?|sodium)\b\D{0,30}?\b(?P<before>1[0-3]\d)\b.{0,200}?\b(?P<hours>\d{1,2})\s*(?:h|hrs?|hours?)\s+"
    r"later,?\s+(?:the\s+)?(?:Na\+?|sodium)\s*(?:is|was|=|:|of|now)?\s*(?:now\s+)?(?P<after>1[0-4]\d)\b",
    re.I | re.S,
)


# "Na 112 and a fit, got 3% saline. Na now 124 at 6 h": the second value named again, its hours after it
_SODIUM_NOW_AT = re.compile(
    r"\b(?:Na\+?|sodium)\b\D{0,30}?\b(?P<before>1[0-3]\d)\b.{0,200}?\b(?:Na\+?|sodium)\s+(?:is\s+|was\s+)?"
    r"(?:now\s+)?(?P<after>1[0-4]\d)\s*(?:mmol/L\s*)?(?:at|after|by)\s*(?P<hours>\d{1,2})\s*(?:h|hrs?|hours?)\b",
    re.I | re.S,
)


def _sodium_rising_too_fast(text: str) -> bool:
    """Two sodium values and the hours between them ("Na 108 on admission, now 121 at 14 h"): a rise
    above the first-day limit, within a day, is overcorrection."""
    m = (
        _SODIUM_RISE.search(text)
        or _SODIUM_LATER.search(text)
        or _SODIUM_HOURS_LATER.search(text)
        or _SODIUM_NOW_AT.search(text)
    )
    if not m:
        return False
    rise, hours = int(m.group("after")) - int(m.group("before")), int(m.group("hours"))
    return hours <= 24 and rise > SODIUM_RISE_LIMIT_24H


# CDC Sexually Transmitted Infections Treatment Guidelines, 2021: syphilis is diagnosed with both a
# nontreponemal test (RPR, VDRL) and a treponemal test (TPPA, TPHA, EIA/CIA, FTA-ABS). Reactive serology
# without clinical signs is latent syphilis: early latent when acquired within the past year (documented
# seroconversion, a fourfold titre rise, a partner with early syphilis), otherwise late latent or of
# unknown duration.
_NONTREPONEMAL = re.compile(
    r"\b(?:RPR|VDRL)\b[^.;?]{0,20}?(?:\b1\s*:\s*\d+|\breactive\b|\bpositive\b|\+)", re.I
)
_TREPONEMAL_TESTS = r"TP-?PA|TPHA|FTA-ABS"
_TREPONEMAL = re.compile(
    rf"\b(?:{_TREPONEMAL_TESTS}|(?<!non-)(?<!non )treponemal(?: \w+)?"
    r"|syphilis (?:EIA|CIA|IgG|antibod\w*|serology))"
    r"[^.;?]{0,20}?(?:reactive|positive|\+|detected)"
    # "reactive TPPA": the result before the test
    rf"|\b(?:reactive|positive)\s+(?:{_TREPONEMAL_TESTS}|treponemal)\b",
    re.I,
)
_NO_SIGNS = re.compile(
    r"\b(?:no|without|denies)\s+(?:\w+\s+){0,2}?(?:symptoms|signs|rash|chancre|ulcers?|sores?|lesions?)\b"
    r"|\basymptomatic\b",
    re.I,
)
_ACQUIRED_THIS_YEAR = re.compile(
    r"\bnegative\b[^.;?]{0,40}\b(?:months? ago|weeks? ago|last year|this year)\b"
    r"|\b(?:months?|weeks?) ago\b[^.;?]{0,30}\bnegative\b|\bseroconver\w*|\bfour-?fold\b"
    r"|\bpartner\b[^.;?]{0,40}\b(?:primary|secondary|early)\b",
    re.I,
)


def _syphilis(text: str) -> list[str]:
    """Syphilis from reactive serology, and its latent stage when the case states no signs."""
    if not (_NONTREPONEMAL.search(text) and _TREPONEMAL.search(text)):
        return []
    if not _NO_SIGNS.search(text):
        return ["syphilis"]
    if _ACQUIRED_THIS_YEAR.search(text):
        return ["syphilis", "early latent syphilis"]
    return ["syphilis", "latent syphilis of unknown duration"]


# vomiting every dose, nil by mouth, unable to swallow: the patient cannot take oral treatment, which is
# how sources word the condition for a parenteral route ("for children who cannot take oral medication")
_NO_ORAL_ROUTE = re.compile(
    r"\bvomit\w*\s+(?:up\s+)?(?:every|each|all|any)\b[^.;?]{0,20}?\b(?:doses?|tablets?|medicines?|"
    r"medication|oral|feeds?|fluids?)\b|\b(?:can'?t|cannot|unable to|not)\s+(?:keep|hold)(?:ing)?\s+"
    r"(?:anything|it|them|any\s+\w+|\w+\s+doses?)\s+down\b|\bnil by mouth\b|\bNBM\b"
    r"|\b(?:unable to|can'?t|cannot)\s+swallow",
    re.I,
)
# chronic diseases that guidelines group as "comorbidities" (ATS/IDSA 2019 for pneumonia: chronic heart,
# lung, liver or renal disease, diabetes, alcoholism, malignancy, asplenia): a case naming one has them
_CHRONIC_DISEASE = re.compile(
    r"\b(?:COPD|T[12]DM|DM|CKD|CCF|HF|HFrEF|IHD|diabet\w*|cirrho\w*|(?:chronic\s+)?(?:heart|liver|renal|kidney)"
    r"\s+(?:failure|disease)|bronchiectasis|alcohol\w*|malignan\w*|cancer|asplen\w*|splenectom\w*|"
    r"immunosuppress\w*|HIV)\b",
    re.I,
)
COMORBIDITIES = "comorbidities comorbidity"
NO_ORAL_ROUTE = "cannot take oral medication by mouth tablets, oral treatment is not possible"


def ruled_out_states(question: str) -> list[str]:
    """What the case's findings rule out, as sources word it: latent syphilis of unknown duration is
    managed as late latent, so advice "for early syphilis" is for someone else (and the reverse)."""
    stages = _syphilis(question)
    if "latent syphilis of unknown duration" in stages:
        return ["early syphilis"]
    if "early latent syphilis" in stages:
        return ["late latent syphilis"]
    return []


def derived_states(question: str, cis_woman: bool = False) -> list[str]:
    """What the case says in other words than a source's: "vomiting every oral dose" is a patient who
    cannot take oral medication; COPD or diabetes are comorbidities. Words for reading a sentence's
    condition against, not conditions."""
    states = [NO_ORAL_ROUTE] if _NO_ORAL_ROUTE.search(question) else []
    if _CHRONIC_DISEASE.search(_affirmed(question)):
        states.append(COMORBIDITIES)
    if _PENICILLIN_REACTION.search(question):
        states.append(PENICILLIN_ALLERGY)
    if _VISUAL_LOSS.search(_affirmed(question)):
        states.append(VISUAL_LOSS)
    if _AROUND_EYE_OR_NOSE.search(question) and (
        _cellulitis(question) or re.search(r"\bcellulitis\b", question, re.I)
    ):
        states.append(AROUND_EYE_OR_NOSE)
    if _LUMINAL_GI.search(_affirmed(question)):
        states.append(LUMINAL_GI_CANCER)
    if _LIVER_DISEASE.search(_affirmed(question)):
        states.append(LIVER_DISEASE)
    if cis_woman and _SEXUAL_EXPOSURE.search(question):
        states.append(VAGINAL_EXPOSURE)
    if _TRANSIENT_DEFICIT.search(_affirmed(question)):
        states.append(TRANSIENT_ISCHAEMIC_ATTACK)
    if _OXIDANT_HAEMOLYSIS.search(_affirmed(question)):
        states.append(G6PD_DEFICIENCY)
    states += [
        f"intolerant cannot tolerate {drug} {' '.join(class_words(drug))}" for drug in not_tolerated(question)
    ]
    states += [f"recent {drug} in the past 30 days" for drug in recently_taken(question)]
    return states


# "20 minutes of right arm weakness and slurred speech that fully resolved": a transient focal deficit is a
# TIA (NICE NG128: symptoms resolved within 24 hours), so advice "after stroke or TIA" is this patient's
TRANSIENT_ISCHAEMIC_ATTACK = "TIA transient ischaemic attack"
_FOCAL_SYMPTOM = (
    r"(?:weakness|numbness|slurred speech|speech disturbance|dysphasia|aphasia|facial droop|face droop\w*|"
    r"drooping of (?:the|her|his) face|loss of vision in one eye)"
)
_TRANSIENT_DEFICIT = re.compile(
    rf"\b{_FOCAL_SYMPTOM}\b[^.;?]{{0,80}}?\b(?:fully |completely |all )?"
    r"(?:resolved|settled|recovered|went away)\b"
    rf"|\b(?:transient|brief|\d+ ?(?:min|minutes?|mins)(?: of)?)\b[^.;?]{{0,40}}?\b{_FOCAL_SYMPTOM}\b",
    re.I,
)
# "a curtain came down over her left eye for 10 minutes": transient monocular visual loss (amaurosis fugax)
VISUAL_LOSS = "visual loss amaurosis fugax"
_VISUAL_LOSS = re.compile(
    r"\bcurtain\b[^.;?]{0,30}?\b(?:eye|vision|sight)\b|\bamaurosis\b|\b(?:lost|loss of|losing)\s+"
    r"(?:the\s+)?(?:vision|sight)\b|\b(?:vision|sight)\s+(?:loss|went|goes|blacked out)\b|\bvisual loss\b"
    r"|\b(?:went|goes|going)\s+blind\b",
    re.I,
)
AROUND_EYE_OR_NOSE = "infection around the eyes or nose"
_AROUND_EYE_OR_NOSE = re.compile(
    r"\b(?:eye ?lids?|periorbital|peri-orbital|orbit\w*|around (?:the|her|his) (?:eye|nose)s?|nose|nasal|"
    r"medial canthus)\b",
    re.I,
)
LUMINAL_GI_CANCER = "luminal gastrointestinal cancer"
# a cis woman at risk through sex with a man: what PrEP sources call receptive vaginal sex exposure
VAGINAL_EXPOSURE = "receptive vaginal sex exposure"
_SEXUAL_EXPOSURE = re.compile(
    r"\bsex work\w*|\bheterosexual\b|\bsexually active\b|\bcondomless\b|\bunprotected sex\b|\bvaginal sex\b"
    r"|\b(?:male )?partner\b[^.;?]{0,30}\bHIV\b|\bHIV\b[^.;?]{0,20}\bpartner\b",
    re.I,
)
# cirrhosis, decompensation or a Child-Pugh class B or C: what sources call significant liver disease
LIVER_DISEASE = "significant liver disease hepatic impairment"
_LIVER_DISEASE = re.compile(
    r"\bcirrho\w*|\bdecompensated\b(?!\s+(?:heart|HF|cardiac|CCF|LVSD|diabet\w*|COPD))"
    r"|\bChild(?:-Pugh)?\s*(?:class\s*)?[BC]\b|\bhepatic impairment\b"
    r"|\bliver (?:failure|impairment)\b|\b(?:severe|significant|advanced) liver disease\b",
    re.I,
)
# "stopped sertraline 100 mg (GI upset)", "venlafaxine gave her nausea", "couldn't tolerate citalopram"
_SIDE_EFFECT = (
    r"(?:side[- ]effects?|upset|nausea|nauseous|vomiting|sweat\w*|rash\w*|headaches?|dizz\w*|diarrh\w*|"
    r"sedat\w*|drows\w*|insomnia|agitat\w*|jitter\w*|weight gain|sexual \w+|tremor|intoleran\w*|"
    r"not tolerated|couldn'?t tolerate|angioedema|cough|myalgia|muscle aches?)"
)
_DOSE_AFTER = r"(?:\s*\d[\d./]*\s*(?:mg|mcg|micrograms?|g)\b(?:\s*(?:od|bd|daily|once daily|twice daily))?)?"


def not_tolerated(question: str) -> list[str]:
    """The drugs the case says caused side effects, by name: "stopped sertraline 100 mg (GI upset)"."""
    out: list[str] = []
    for drug in find_drugs(question):
        after = question[drug.end : drug.end + 60]
        before = question[max(0, drug.start - 40) : drug.start]
        if (
            re.match(rf"{_DOSE_AFTER}\s*\([^)]*?\b{_SIDE_EFFECT}[^)]*\)", after, re.I)
            or re.match(
                rf"{_DOSE_AFTER}\s*(?:gave|caused|because of|due to|stopped (?:for|due to))\s+"
                rf"(?:\w+\s+){{0,2}}?{_SIDE_EFFECT}",
                after,
                re.I,
            )
            or re.search(
                r"(?:couldn'?t|could not|can'?t|cannot|unable to|did not|didn'?t) tolerate\s+$", before, re.I
            )
        ) and drug.name.lower() not in out:
            out.append(drug.name.lower())
    return out


_RECENT_COURSE = re.compile(r"\b(?P<n>\d{1,2}|a|one|two|three|four)\s+(?P<unit>days?|weeks?)\s+ago\b", re.I)
_WORD_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}


def recently_taken(question: str) -> list[str]:
    """Drugs a course of which ended within the past 30 days ("finished amoxicillin 2 weeks ago"): what
    sources call recent use ("has had amoxicillin in the past 30 days")."""
    out: list[str] = []
    for clause in re.split(r"[.;?!]", question):
        m = _RECENT_COURSE.search(clause)
        if not m:
            continue
        n = _WORD_COUNTS.get(m.group("n").lower()) or int(m.group("n"))
        days = n * (7 if m.group("unit").lower().startswith("week") else 1)
        if days <= 30:
            out += [d.name.lower() for d in find_drugs(clause) if d.name.lower() not in out]
    return out


# "amoxicillin gave a blotchy rash", "hives with penicillin": a reaction to a penicillin is what sources
# call a penicillin allergy (its severity is read from the case's own words)
PENICILLIN_ALLERGY = "penicillin allergy"
_PENICILLINS = (
    r"(?:amoxicillin|amoxycillin|ampicillin|penicillin|flucloxacillin|co-amoxiclav|augmentin|pen\s?V)"
)
_PENICILLIN_REACTION = re.compile(
    rf"\b{_PENICILLINS}\b[^.;?]{{0,20}}?\b(?:gave|caused|causes|brought on|led to)\b[^.;?]{{0,30}}?"
    rf"\b(?:rash|hives|urticaria|reaction|swelling)\b"
    rf"|\b(?:rash|hives|urticaria|reaction)\b[^.;?]{{0,20}}?\b(?:with|to|from|after|on)\s+{_PENICILLINS}\b",
    re.I,
)


def derived_conditions(question: str, labs: list[LabFact]) -> list[str]:
    """Conditions the question implies without naming them: from its lab values ("K+ 6.4" is
    hyperkalaemia), from a stated duration (a 6-minute seizure is status epilepticus), or from signs
    that together name one (fever with loin pain is pyelonephritis; dysuria with frequency or a positive
    dipstick, or fever with a positive dipstick, a urinary tract infection; fever with tachycardia and
    new confusion is suspected sepsis; acidosis with ketones in diabetes is DKA; vomiting or hypotension
    in adrenal insufficiency is a crisis; a blood pressure of 160/110 in pregnancy, or 180/120
    otherwise, is severe hypertension; jaw claudication with a raised ESR at 70 is suspected giant cell
    arteritis; sodium 108 then 121 at 14 hours is rising too fast; creatinine 95 then 190 is acute kidney
    injury; consolidation on a chest X-ray with a cough, or a CRB-65 score, is pneumonia; an NIHSS score,
    or a new focal deficit with a time of onset, is a stroke; a lower motor neurone facial weakness (the
    forehead involved) is Bell's palsy; red, hot or swollen skin of a limb or the face is cellulitis; a
    positive temporal artery ultrasound or biopsy is giant cell arteritis; C. difficile infection with
    hypotension, ileus or megacolon is fulminant; "24/40" or "primip" is a pregnancy;
    inflammation limited to the rectum is ulcerative proctitis; a reactive RPR with a positive TPPA is
    syphilis, latent when there are no signs; melaena or haematemesis is upper GI bleeding;
    regular heroin use is opioid use disorder; podagra or tophi are gout;
    a blood pressure of 140/90 with proteinuria in pregnancy or after delivery is pre-eclampsia).
    Unlike the condition the question names, which is often a comorbidity ("in a patient with CKD"),
    these are what the question is about, so retrieval, the topic choice and the case the bottom line
    is read against take them too."""
    out = ["status epilepticus"] if status_epilepticus(question) else []
    if _upper_uti(question, labs):
        out.append("pyelonephritis")
    elif _lower_uti(question) or _febrile_urinary(question, labs):
        out.append("urinary tract infection")
    if _ketoacidosis(question, labs):
        out.append("diabetic ketoacidosis")
    if _adrenal_crisis(question, labs):
        out.append("adrenal crisis")
    if _severe_hypertension(question, labs):
        out.append("severe hypertension")
    if _pre_eclampsia(question, labs):
        out.append("pre-eclampsia")
    if _giant_cell_arteritis(question, labs):
        out.append("giant cell arteritis")
    if _sodium_rising_too_fast(question):
        out.append("sodium rises too fast")
    if _acute_kidney_injury(question):
        out.append("acute kidney injury")
    if _pneumonia(question, labs):
        out.append("pneumonia")
    if _cellulitis(question) and not re.search(r"\bcellulitis\b", question, re.I):
        out.append("cellulitis")
    if _fulminant_cdi(question):
        out.append("fulminant Clostridioides difficile infection")
    if _bells_palsy(question):
        out.append("Bell's palsy")
    elif _stroke(question):
        out.append("stroke")
    if _BARKING_COUGH.search(question) and not re.search(r"\bcroup\b", question, re.I):
        out.append("croup")
    if (
        _VASOPRESSOR.search(question)
        and _INFECTION.search(question)
        and not re.search(r"\bseptic shock\b", question, re.I)
    ):
        out.append("septic shock")
    if _FOCAL_SEIZURE.search(_affirmed(question)) and not re.search(r"\bfocal seizures?\b", question, re.I):
        out.append("focal seizures")
    if _BULGING_EARDRUM.search(_affirmed(question)):
        out.append("acute otitis media")
    if _PYLORI_TEST.search(_affirmed(question)) and not re.search(r"\bpylori\b", question, re.I):
        out.append("Helicobacter pylori infection")
    if _type_2_diabetes(question, labs) and not re.search(
        r"\bdiabet\w*|\bT2(?:DM)?\b|\bDM\b", question, re.I
    ):
        out.append("type 2 diabetes")
    if _GOUT_SIGN.search(_affirmed(question)) and not re.search(r"\bgout\w*", question, re.I):
        out.append("gout")
    if _REGULAR_OPIOID_USE.search(_affirmed(question)) and not _OUD_NAMED.search(question):
        out.append("opioid use disorder")
    if _UPPER_GI_BLEEDING_SIGN.search(_affirmed(question)) and not _GI_BLEED_NAMED.search(question):
        out.append("upper gastrointestinal bleeding")
    if _cancer_thrombosis(question):
        out.append("cancer-associated thrombosis")
    if _RECTUM_ONLY.search(_affirmed(question)):
        out.append("ulcerative proctitis")
    if states_pregnancy(question):  # "24/40 primip": the case is a pregnancy whatever it asks
        out.append("pregnancy")
    out += _syphilis(question)
    from_labs = condition_from_labs(labs)
    if from_labs == "thrombocytopenia" and (
        _IMMUNE.search(question)
        or (_OTHERWISE_NORMAL_COUNT.search(question) and not _HEPARIN.search(question))
    ):
        out.append("immune thrombocytopenia")
    if from_labs:
        return [*out, from_labs]
    return [*out, "sepsis"] if _suspected_sepsis(question, labs) else out
