from matchmaker.matching import Vocabulary
from matchmaker.matching.text import fold, stem


def concepts_of(text, vocab=None, strict_case=True):
    vocab = vocab or Vocabulary.default()
    return [m.concept for m in vocab.annotate(text, strict_case=strict_case) if m.concept]


def test_default_vocabulary_is_large_consistent_and_bilingual():
    vocab = Vocabulary.default()
    assert len(vocab) >= 150
    assert vocab.conflicts == []
    for concept in vocab.concepts.values():
        assert concept.label_fr and concept.label_en, concept.key
    for code in (
        "immunotherapy",
        "radiopharmaceuticals",
        "regenerative_medicine",
        "bioproduction",
        "digital_health",
        "animal_health",
        "nutrition_microbiota",
    ):
        assert code in vocab


def test_french_english_and_abbreviations_meet_on_one_concept():
    pairs = [
        ("anticorps monoclonaux", "monoclonal antibodies", "mAb", "monoclonal_antibody"),
        ("bioproduction", "biomanufacturing", "bio-manufacturing", "bioproduction"),
        ("thérapie cellulaire", "cell therapy", "cell therapies", "cell_therapy"),
        (
            "radiopharmaceutique",
            "radiopharmaceutical",
            "radiopharmaceuticals",
            "radiopharmaceuticals",
        ),
        ("vaccin", "vaccine", "vaccines", "vaccine"),
        ("façonnier", "CDMO", "contract manufacturing", "cdmo"),
        ("vecteurs lentiviraux", "lentiviral vectors", "lentivirus", "lentiviral_vector"),
        ("remplissage aseptique", "fill-finish", "fill and finish", "fill_finish"),
    ]
    for *texts, key in pairs:
        for text in texts:
            assert concepts_of(text) == [key], (text, concepts_of(text))


def test_labels_in_both_languages():
    vocab = Vocabulary.default()
    assert vocab.label("cell_therapy", "fr") == "thérapie cellulaire"
    assert vocab.label("cell_therapy", "en") == "cell therapy"


def test_short_abbreviations_need_capitals_in_free_text_but_not_in_tags():
    # French "car" (because) must not become CAR-T, nor "ai" (have) artificial intelligence.
    assert concepts_of("J'ai choisi ce partenaire car il est fiable") == []
    assert concepts_of("AI for drug discovery") == ["artificial_intelligence", "drug_discovery"]
    assert concepts_of("CAR-T cells") == ["car_t"]
    assert concepts_of("ai", strict_case=False) == ["artificial_intelligence"]


def test_extended_vocabulary_adds_concepts_and_synonyms():
    base = Vocabulary.default()
    assert concepts_of("cryo-EM grids") == ["microscopy"]
    assert concepts_of("spatial omics atlas") != ["spatial_omics"]
    extended = base.extended(
        [
            ("spatial_omics", "omique spatiale", "spatial omics", ["spatial profiling"]),
            {"key": "vaccine", "terms": ["immunisation kit"]},
        ]
    )
    assert concepts_of("spatial omics atlas", extended) == ["spatial_omics"]
    assert concepts_of("profilage spatial", extended) == []
    assert concepts_of("spatial profiling", extended) == ["spatial_omics"]
    assert concepts_of("immunisation kit", extended) == ["vaccine"]
    assert extended.label("spatial_omics", "fr") == "omique spatiale"
    assert extended.label("vaccine", "fr") == "vaccins"  # labels kept when not given
    assert "spatial_omics" not in base


def test_light_stemmer_joins_french_and_english_word_forms():
    for a, b in [
        ("thérapie", "therapies"),
        ("oncologie", "oncological"),
        ("clinique", "clinical"),
        ("médicale", "medical"),
        ("cellulaire", "cellular"),
        ("génétique", "genetic"),
    ]:
        assert stem(fold(a)) == stem(fold(b)), (a, b)
    assert stem("aav9") == "aav9"


def test_batch_analysis_finds_the_same_mentions_as_annotate(cluster):
    from matchmaker.matching import Profile, Weights
    from matchmaker.matching.vectorise import Analyser

    vocab = Vocabulary.default()
    texts = [p.expertise for p in cluster] + [p.looking_for for p in cluster]
    texts += [
        "J'ai choisi ce partenaire car il est fiable; AI for drug discovery and CAR-T cells.",
        "fill and finish, remplissage et conditionnement, fill-finish of mAb and ADC",
        "anticorps monoclonaux anticorps monoclonal 2024 x y de la",
    ]
    analyser = Analyser(vocab, Weights(broader=0.0))
    for text in texts:
        a = analyser.analyse([Profile("p", "public", expertise=text)])
        got = [a.names[u] for u in a.uni]
        assert got == [m.feature for m in vocab.annotate(text)], text
