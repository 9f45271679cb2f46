"""Recognise drug and therapy names in free text: a small lexicon plus stem suffixes.

Suffixes catch most modern drugs by their international nonproprietary name stems
(-mab antibodies, -nib kinase inhibitors, -pril ACE inhibitors ...); the lexicon covers
older drugs whose names follow no stem, and non-drug therapies a question may name.
Placeholder names used in teaching and tests ("drug A", "treatment C") are recognised too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SUFFIXES = (
    "mab",
    "nib",
    "pril",
    "sartan",
    "olol",
    "alol",
    "statin",
    "gliflozin",
    "glutide",
    "gliptin",
    "glitazone",
    "tide",
    "floxacin",
    "cycline",
    "mycin",
    "micin",
    "cillin",
    "penem",
    "azole",
    "vir",
    "dipine",
    "parin",
    "xaban",
    "gatran",
    "prazole",
    "tidine",
    "lukast",
    "sone",
    "solone",
    "olone",
    "formin",
    "oxetine",
    "pram",
    "triptan",
    "setron",
    "dronate",
    "semide",
    "thiazide",
    "zepam",
    "zolam",
    "profen",
    "coxib",
    "cept",
    "kinra",
    "limus",
    "platin",
    "taxel",
    "rubicin",
    "tinib",
    "zumab",
    "ximab",
    "umab",
    "pidem",
    "tadine",
    "terol",
    "tropium",
    "afil",
    "lamide",
    "parib",
    "ciclib",
    "denib",
    "rafenib",
    "sertib",
    "dazole",
    "trexate",
    "thioprine",
    "phenolate",
    "quine",
    "quinone",
    "ridone",
    "apine",
    "azepine",
    "tiapine",
    "peridol",
    "zosin",
    "osin",
    "vastatin",
    "glinide",
    "mide",
    "lamine",
)

LEXICON = frozenset(
    """
    methotrexate metformin insulin aspirin warfarin heparin hydroxychloroquine sulfasalazine leflunomide
    azathioprine mycophenolate cyclophosphamide prednisone prednisolone methylprednisolone hydrocortisone
    dexamethasone ivig immunoglobulin plasmapheresis rituximab levothyroxine amlodipine lithium clozapine
    amiodarone digoxin furosemide spironolactone allopurinol colchicine febuxostat paracetamol acetaminophen
    ibuprofen naproxen morphine gabapentin pregabalin sertraline fluoxetine haloperidol olanzapine quetiapine
    risperidone salbutamol albuterol budesonide fluticasone tiotropium montelukast epinephrine adrenaline
    alteplase tenecteplase clopidogrel ticagrelor prasugrel apixaban rivaroxaban dabigatran edoxaban
    enoxaparin vancomycin amoxicillin ceftriaxone doxycycline azithromycin clarithromycin nitrofurantoin
    trimethoprim sildenafil tadalafil adalimumab etanercept infliximab tocilizumab abatacept anakinra
    tofacitinib baricitinib upadacitinib atorvastatin simvastatin rosuvastatin lisinopril ramipril
    enalapril losartan valsartan candesartan irbesartan bisoprolol metoprolol carvedilol atenolol
    propranolol labetalol nifedipine diltiazem verapamil hydralazine methyldopa indapamide
    chlorthalidone hydrochlorothiazide bendroflumethiazide tacrolimus ciclosporin cyclosporine eculizumab
    ravulizumab efgartigimod rozanolixizumab pyridostigmine dupilumab omalizumab semaglutide liraglutide
    dulaglutide tirzepatide empagliflozin dapagliflozin canagliflozin sitagliptin linagliptin gliclazide
    glipizide glimepiride pioglitazone folic folate oxygen nitroglycerin glyceryl valproate levetiracetam
    lamotrigine carbamazepine phenytoin topiramate diazepam lorazepam midazolam naloxone ondansetron
    metoclopramide omeprazole lansoprazole pantoprazole esomeprazole ranitidine famotidine denosumab
    alendronate zoledronate calcium vitamin iron ferrous tamoxifen letrozole anastrozole cisplatin
    physiotherapy cbt psychotherapy dialysis radiotherapy chemotherapy surgery thrombolysis
    aprepitant argatroban bismuth buprenorphine carbidopa levodopa cefalexin cephalexin cefdinir cefepime
    cefuroxime cefazolin chlordiazepoxide co-amoxiclav amoxicillin-clavulanate cyclizine eplerenone
    ezetimibe fosphenytoin glucagon lactulose methadone misoprostol oxytocin phenobarbital
    piperacillin-tazobactam piperacillin pivmecillinam propylthiouracil methimazole carbimazole rasburicase
    rifaximin sacubitril thiamine tranexamic valproic varenicline vonoprazan zoledronic vasopressin
    norepinephrine noradrenaline dopamine dobutamine terlipressin octreotide fidaxomicin metronidazole
    clindamycin flucloxacillin dicloxacillin cefotaxime meropenem gentamicin ciprofloxacin levofloxacin
    penicillin benzylpenicillin oseltamivir nicotine bupropion naltrexone acamprosate disulfiram
    cabotegravir emtricitabine tenofovir codeine co-codamol co-dydramol tramadol oxycodone fentanyl
    diamorphine ergometrine sumatriptan rizatriptan zolmitriptan rifabutin finerenone aciclovir valaciclovir
    fondaparinux bivalirudin phytomenadione pramipexole ropinirole rotigotine apomorphine rasagiline
    selegiline safinamide entacapone opicapone amantadine patiromer urea dronedarone ketoconazole
    itraconazole benzathine ceftaroline fenoldopam ivabradine liothyronine thyroxine procaine
    prochlorperazine promethazine pyridoxine doxylamine rimegepant ubrogepant lasmiditan trazodone venlafaxine
    pegloticase danazol isosorbide cefpodoxime
    """.split()
)
# Brand names clinicians type, as the generic the sources use (UK and US brands; facts, not advice)
# therapies the lexicon names that are no medicine: they are asked about as no drug is, and cause no
# drug-induced disorder
NON_DRUG_THERAPIES = frozenset(
    {"physiotherapy", "cbt", "psychotherapy", "dialysis", "radiotherapy", "surgery", "oxygen"}
)
BRANDS = {
    "txa": "tranexamic",  # the abbreviation every obstetric and trauma team uses
    "mst": "morphine",
    "oramorph": "morphine",
    "zomorph": "morphine",
    "oxycontin": "oxycodone",
    "actrapid": "insulin",
    "spiro": "spironolactone",  # ward shorthand
    "pred": "prednisolone",  # ward shorthand ("pred 40 mg od")
    "hctz": "hydrochlorothiazide",  # US shorthand
    "epi": "epinephrine",  # "neb epi", "IM epi"
    "vanc": "vancomycin",  # ward shorthand ("oral vanc 125 mg qds")
    "vanco": "vancomycin",
    "dex": "dexamethasone",  # ward shorthand ("dex dose for croup?"; dexmedetomidine is not in the library)
    "norad": "norepinephrine",  # ICU shorthand
    "noradrenaline": "norepinephrine",  # the UK name; sources use the INN
    "rosuva": "rosuvastatin",
    "atorva": "atorvastatin",
    "simva": "simvastatin",
    "prava": "pravastatin",
    "effient": "prasugrel",
    "friii": "insulin",  # fixed-rate intravenous insulin infusion
    "vriii": "insulin",  # variable-rate intravenous insulin infusion
    "humulin": "insulin",
    "novorapid": "insulin",
    "lantus": "insulin glargine",
    "levemir": "insulin detemir",
    "tresiba": "insulin degludec",
    "toujeo": "insulin glargine",
    "humalog": "insulin",
    "syntometrine": "ergometrine",
    "syntocinon": "oxytocin",
    "descovy": "F/TAF",
    "truvada": "F/TDF",
    "priadel": "lithium",
    "camcolit": "lithium",
    "epipen": "adrenaline",
    "eliquis": "apixaban",
    "xarelto": "rivaroxaban",
    "pradaxa": "dabigatran",
    "lixiana": "edoxaban",
    "savaysa": "edoxaban",
    "coumadin": "warfarin",
    "lipitor": "atorvastatin",
    "crestor": "rosuvastatin",
    "zocor": "simvastatin",
    "jardiance": "empagliflozin",
    "forxiga": "dapagliflozin",
    "farxiga": "dapagliflozin",
    "ozempic": "semaglutide",
    "wegovy": "semaglutide",
    "victoza": "liraglutide",
    "mounjaro": "tirzepatide",
    "trulicity": "dulaglutide",
    "entresto": "sacubitril",
    "champix": "varenicline",
    "chantix": "varenicline",
    "zyban": "bupropion",
    "keppra": "levetiracetam",
    "epilim": "valproate",
    "depakote": "valproate",
    "lamictal": "lamotrigine",
    "tegretol": "carbamazepine",
    "augmentin": "co-amoxiclav",
    "tamiflu": "oseltamivir",
    "nexium": "esomeprazole",
    "losec": "omeprazole",
    "prilosec": "omeprazole",
    "ventolin": "salbutamol",
    "lasix": "furosemide",
    "aldactone": "spironolactone",
    "zyloric": "allopurinol",
    "zyloprim": "allopurinol",
    "plavix": "clopidogrel",
    "brilinta": "ticagrelor",
    "brilique": "ticagrelor",
    "prolia": "denosumab",
    "xgeva": "denosumab",
    "fosamax": "alendronate",
    "aclasta": "zoledronic",
    "reclast": "zoledronic",
    "forteo": "teriparatide",
    "narcan": "naloxone",
    "xifaxan": "rifaximin",
    "macrobid": "nitrofurantoin",
    "macrodantin": "nitrofurantoin",
    "keflex": "cefalexin",
    "zithromax": "azithromycin",
    "cipro": "ciprofloxacin",
    "ciproxin": "ciprofloxacin",
    "bactrim": "trimethoprim-sulfamethoxazole",
    "septrin": "trimethoprim-sulfamethoxazole",
    "co-trimoxazole": "trimethoprim-sulfamethoxazole",  # the UK name of the same combination
    "tmp-smx": "trimethoprim-sulfamethoxazole",
    "pylera": "bismuth",  # bismuth subcitrate potassium, metronidazole and tetracycline in one capsule
    "monurol": "fosfomycin",
    "flagyl": "metronidazole",
    "dificid": "fidaxomicin",
    "dificlir": "fidaxomicin",
    "vancocin": "vancomycin",
    "rocephin": "ceftriaxone",
    "amoxil": "amoxicillin",
    "bicillin": "penicillin",
    "tavanic": "levofloxacin",
    "levaquin": "levofloxacin",
    "zofran": "ondansetron",
    "emend": "aprepitant",
    "decadron": "dexamethasone",
    "solu-medrol": "methylprednisolone",
    "solu-cortef": "hydrocortisone",
    "efcortesol": "hydrocortisone",
    "florinef": "fludrocortisone",
    "ativan": "lorazepam",
    "valium": "diazepam",
    "librium": "chlordiazepoxide",
    "buccolam": "midazolam",
    "epistatus": "midazolam",
    "dilantin": "phenytoin",
    "imitrex": "sumatriptan",
    "imigran": "sumatriptan",
    "topamax": "topiramate",
    "sinemet": "levodopa",
    "madopar": "levodopa",
    "zoloft": "sertraline",
    "lustral": "sertraline",
    "lexapro": "escitalopram",
    "cipralex": "escitalopram",
    "prozac": "fluoxetine",
    "effexor": "venlafaxine",
    "cymbalta": "duloxetine",
    "abilify": "aripiprazole",
    "seroquel": "quetiapine",
    "zyprexa": "olanzapine",
    "subutex": "buprenorphine",
    "suboxone": "buprenorphine",
    "buvidal": "buprenorphine",
    "sublocade": "buprenorphine",
    "vivitrol": "naltrexone",
    "pabrinex": "thiamine",
    "symbicort": "budesonide-formoterol",
    "fostair": "beclometasone-formoterol",
    "carbo": "carboplatin",  # the oncology ward's shorthand ("carbo AUC 5")
    "spiriva": "tiotropium",
    "colcrys": "colchicine",
    "uloric": "febuxostat",
    "adenuric": "febuxostat",
    "humira": "adalimumab",
    "actemra": "tocilizumab",
    "roactemra": "tocilizumab",
    "plaquenil": "hydroxychloroquine",
    "asacol": "mesalamine",
    "octasa": "mesalamine",
    "pentasa": "mesalamine",
    "lialda": "mesalamine",
    "arixtra": "fondaparinux",
    "clexane": "enoxaparin",
    "lovenox": "enoxaparin",
    "fragmin": "dalteparin",
    "nplate": "romiplostim",
    "promacta": "eltrombopag",
    "revolade": "eltrombopag",
    "veltassa": "patiromer",
    "elitek": "rasburicase",
    "fasturtec": "rasburicase",
    "glucagen": "glucagon",
    "tapazole": "methimazole",
    "eltroxin": "levothyroxine",
    "synthroid": "levothyroxine",
    "levoxyl": "levothyroxine",
    "duphalac": "lactulose",
    "glucophage": "metformin",
    "apretude": "cabotegravir",
    "xofluza": "baloxavir",
    "relenza": "zanamivir",
    "rapivab": "peramivir",
    "tylenol": "paracetamol",
    "panadol": "paracetamol",
    "sevredol": "morphine",
    "durogesic": "fentanyl",
    "nyxoid": "naloxone",
    "norvasc": "amlodipine",
    "istin": "amlodipine",
    "zestril": "lisinopril",
    "cozaar": "losartan",
    "inspra": "eplerenone",
    "kerendia": "finerenone",
    "corlanor": "ivabradine",
    "procoralan": "ivabradine",
    "zetia": "ezetimibe",
    "ezetrol": "ezetimibe",
    "evenity": "romosozumab",
    "tymlos": "abaloparatide",
    "actonel": "risedronate",
    "nicorette": "nicotine",
    "lyrica": "pregabalin",
    "neurontin": "gabapentin",
    "stemetil": "prochlorperazine",
    "maxolon": "metoclopramide",
    "reglan": "metoclopramide",
    "hemabate": "carboprost",
    "cytotec": "misoprostol",
    "duratocin": "carbetocin",
    "pabal": "carbetocin",
    "cyklokapron": "tranexamic",
    "trandate": "labetalol",
    "adalat": "nifedipine",
    "procardia": "nifedipine",
    "aldomet": "methyldopa",
    "diclectin": "doxylamine",
    "diclegis": "doxylamine",
    "xonvea": "doxylamine",
    "cariban": "doxylamine",
}
MULTIWORD = (
    "plasma exchange",
    "intravenous immunoglobulin",
    "folic acid",
    "insulin glargine",
    "insulin detemir",
    "glyceryl trinitrate",
    "vitamin d",
    "vitamin b12",
    "cognitive behavioural therapy",
    "cognitive behavioral therapy",
    "sodium zirconium cyclosilicate",
    # emtricitabine with tenofovir alafenamide or disoproxil, as PrEP sources abbreviate them
    "F/TAF",
    "F/TDF",
)
_NOT_DRUGS = frozenset(
    """
    disease release increase decrease cease phase case base database lease please crease tide side wide
    made grade trade shade blade fade glide slide pride ride guide bride stride provide decide beside
    override inside outside oxide mode code node episode electrode worse nurse course response dose
    close those whose lose rose pose purpose diagnose reason person sone vir cef one none gone done tone
    bone zone phone alone stone ozone standalone cortisone hormone someone anyone everyone lifetime
    mide side pram ensure pressure tolerate moderate adequate determine examine imagine urine routine
    marine feminine medicine machine vaccine quinine genuine engine combine define decline baseline
    guideline online outline underline discipline pipeline deadline headline airline timeline
    cholesterol concept intercept except accept peptide polypeptide intercept
    """.split()
)
# "drug A", "treatment B" (not "another drug I can add", where I is the asker)
_PLACEHOLDER = re.compile(
    r"\b(?:drug|treatment|agent|medication|medicine|therapy)\s+(?:[A-HJ-Z]|I(?!\s+[a-z]))\b"
)
_WORD = re.compile(r"\b[A-Za-z][A-Za-z\-]{2,}\b")
_MULTI = re.compile(r"\b(?:" + "|".join(re.escape(m) for m in MULTIWORD) + r")\b", re.I)


# The class a drug's name stem places it in, as sources name it ("ACE inhibitors are contraindicated
# in pregnancy" is about lisinopril). Only the class's distinctive word is given.
_STEROID = ("corticosteroid", "corticosteroids", "steroid", "steroids", "glucocorticoid")
_SSRI = ("SSRI", "antidepressant", "antidepressants")
_BENZODIAZEPINE = ("benzodiazepine", "benzodiazepines")
_SULFONYLUREA = ("sulfonylurea", "sulfonylureas", "sulphonylurea", "sulphonylureas")
CLASS_WORDS = {
    "pril": ("ACE", "ACEi", "antihypertensive"),
    "sartan": ("ARB", "angiotensin", "antihypertensive"),
    "olol": ("beta-blocker", "beta-blockers"),
    "alol": ("beta-blocker", "beta-blockers"),  # labetalol
    "ilol": ("beta-blocker", "beta-blockers"),  # carvedilol
    "statin": ("statin", "statins"),
    "gliflozin": ("SGLT2",),
    "glutide": ("GLP-1",),
    "gliptin": ("DPP-4",),
    "floxacin": ("fluoroquinolone", "quinolone"),
    "cillin": ("penicillin",),
    "dipine": ("calcium", "antihypertensive"),
    "xaban": ("DOAC", "anticoagulant"),
    "gatran": ("DOAC", "anticoagulant"),
    "prazole": ("PPI", "proton"),
    "triptan": ("triptan", "triptans"),
    "warfarin": ("vitamin K antagonist", "VKA"),
    "traline": _SSRI,
    "oxetine": _SSRI,
    "alopram": _SSRI,
    "faxine": ("SNRI", "antidepressant", "antidepressants"),
    "mirtazapine": ("antidepressant", "antidepressants"),
    "codamol": ("codeine", "opioid"),
    "dydramol": ("dihydrocodeine", "opioid"),
    "morphine": ("opioid", "opioids"),
    "codone": ("opioid", "opioids"),
    "tanyl": ("opioid", "opioids"),
    "azepam": _BENZODIAZEPINE,
    "azepoxide": _BENZODIAZEPINE,
    "azolam": _BENZODIAZEPINE,
    "ciclovir": ("antiviral", "antivirals"),
    "thiazide": ("thiazide", "diuretic"),
    "indapamide": ("thiazide-like", "diuretic"),
    "thalidone": ("thiazide-like", "diuretic"),
    "talidone": ("thiazide-like", "diuretic"),
    "naproxen": ("NSAID", "NSAIDs"),
    "diclofenac": ("NSAID", "NSAIDs"),
    "profen": ("NSAID", "NSAIDs"),
    "cycline": ("tetracycline", "tetracyclines"),
    "ergometrine": ("ergometrine", "ergot"),
    "pramipexole": ("dopamine", "agonist", "agonists", "dopaminergic"),
    "ropinirole": ("dopamine", "agonist", "agonists", "dopaminergic"),
    "rotigotine": ("dopamine", "agonist", "agonists", "dopaminergic"),
    "levodopa": ("dopaminergic",),
    "spironolactone": ("MRA", "MRAs", "mineralocorticoid"),
    "ferrous": ("iron",),  # ferrous sulphate, fumarate, gluconate
    "gliclazide": _SULFONYLUREA,
    "glipizide": _SULFONYLUREA,
    "glimepiride": _SULFONYLUREA,
    "glibenclamide": _SULFONYLUREA,
    "eplerenone": ("MRA", "MRAs", "mineralocorticoid"),
    "finerenone": ("MRA", "MRAs", "mineralocorticoid"),
    "olone": _STEROID,
    "asone": _STEROID,
    "cortisone": _STEROID,
}


def class_words(name: str) -> tuple[str, ...]:
    """The distinctive words of the drug class a drug name's stem places it in, or ()."""
    lowered = name.lower()
    return next((words for suffix, words in CLASS_WORDS.items() if lowered.endswith(suffix)), ())


@dataclass(frozen=True)
class DrugMention:
    name: str
    start: int
    end: int


def is_drug_word(word: str) -> bool:
    w = word.lower()
    if w in LEXICON or w in BRANDS:
        return True
    if w in _NOT_DRUGS or len(w) < 5:
        return False
    return w.endswith(SUFFIXES)


def find_drugs(text: str) -> list[DrugMention]:
    """Drug and therapy mentions in text order, without overlaps."""
    return list(_find_drugs(text))


@lru_cache(maxsize=8192)
def _find_drugs(text: str) -> tuple[DrugMention, ...]:
    """Cached: an answer reads the same source sentences many times (once per candidate and rule)."""
    found: list[DrugMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_PLACEHOLDER, _MULTI):
        for m in pattern.finditer(text):
            found.append(DrugMention(_canonical(m.group(0)), m.start(), m.end()))
            taken.append(m.span())
    for m in _WORD.finditer(text):
        if taken and any(s <= m.start() < e for s, e in taken):
            continue
        if _PRACTICE.search(text, 0, m.start()) and m.group(0).lower() == "surgery":
            continue  # "bloods from the GP surgery": the practice, not an operation
        if is_drug_word(m.group(0)) and not _MEASURED.search(text, 0, m.start()):
            found.append(DrugMention(_canonical(m.group(0)), m.start(), m.end()))
    return tuple(sorted(found, key=lambda d: d.start))


_PRACTICE = re.compile(r"\b(?:the|GP|our|from|at)\s+$", re.I)
# "raised calcium", "low magnesium", "serum potassium": a level measured, not a drug given
_MEASURED = re.compile(r"\b(?:raised|high|low|elevated|serum|plasma|corrected|ionised|ionized)\s+$", re.I)


def _canonical(name: str) -> str:
    if _PLACEHOLDER.fullmatch(name):
        head, letter = name.split()
        return f"{head.lower()} {letter}"
    if name.lower() in BRANDS:
        return BRANDS[name.lower()]
    return name if name.isupper() and len(name) <= 5 else name.lower()
