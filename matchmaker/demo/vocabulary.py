# ruff: noqa: E501  (sentences of the demo are data; splitting them would not make them clearer)
"""Words the demo cluster is made of: themes, places, names and sentences, in French and English.

Everything here is invented for the demo; organisation names are assembled from these parts and
checked against :data:`REAL_NAMES_TO_AVOID` so that no real company or institution appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.domain import FocusArea, OrganisationKind, Region


@dataclass(frozen=True)
class Theme:
    code: str
    focus_area: FocusArea
    topic_fr: str
    topic_en: str
    # (English label, French label); a third item is a short form people also type.
    tags: tuple[tuple[str, ...], ...]
    subjects_fr: tuple[str, ...]
    subjects_en: tuple[str, ...]
    methods_fr: tuple[str, ...]
    methods_en: tuple[str, ...]
    # What public and private members of this theme offer and look for (fr, en) pairs: a public
    # need is usually answered by a private offer of the same theme, and the other way round.
    public_offers: tuple[tuple[str, str], ...]
    public_needs: tuple[tuple[str, str], ...]
    private_offers: tuple[tuple[str, str], ...]
    private_needs: tuple[tuple[str, str], ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        code="antibodies",
        focus_area=FocusArea.IMMUNOTHERAPY,
        topic_fr="anticorps thérapeutiques",
        topic_en="therapeutic antibodies",
        tags=(
            ("monoclonal antibodies", "anticorps monoclonaux", "mAb"),
            ("antibody engineering", "ingénierie des anticorps"),
            ("bispecific antibodies", "anticorps bispécifiques"),
            ("antibody-drug conjugates", "anticorps conjugués", "ADC"),
            ("phage display", "phage display"),
        ),
        subjects_fr=(
            "l'ingénierie d'anticorps monoclonaux",
            "les anticorps bispécifiques en oncologie",
            "les anticorps conjugués à des agents cytotoxiques",
            "la caractérisation fonctionnelle des anticorps thérapeutiques",
        ),
        subjects_en=(
            "monoclonal antibody engineering",
            "bispecific antibodies for oncology",
            "antibody-drug conjugates",
            "functional characterisation of therapeutic antibodies",
        ),
        methods_fr=(
            "le criblage par phage display",
            "l'humanisation d'anticorps",
            "la mesure d'affinité par résonance plasmonique de surface",
            "les tests de cytotoxicité cellulaire (ADCC, CDC)",
        ),
        methods_en=(
            "phage display screening",
            "antibody humanisation",
            "surface plasmon resonance affinity measurements",
            "ADCC and CDC cytotoxicity assays",
        ),
        public_offers=(
            (
                "Accès à des échantillons de patients et à des modèles murins humanisés pour valider des anticorps.",
                "Access to patient samples and humanised mouse models to validate antibody candidates.",
            ),
            (
                "Expertise en immunologie fondamentale et identification de nouvelles cibles.",
                "Expertise in fundamental immunology and discovery of new targets.",
            ),
        ),
        public_needs=(
            (
                "Un partenaire industriel pour produire un anticorps candidat en conditions BPF.",
                "An industrial partner to manufacture a candidate antibody under GMP.",
            ),
            (
                "Un licencié pour un anticorps breveté issu du laboratoire.",
                "A licensee for a patented antibody discovered in the lab.",
            ),
        ),
        private_offers=(
            (
                "Développement de lignées cellulaires productrices et production de lots précliniques d'anticorps.",
                "Producer cell line development and preclinical batches of antibodies.",
            ),
            (
                "Plateforme d'ingénierie et d'optimisation d'anticorps.",
                "An antibody engineering and optimisation platform.",
            ),
        ),
        private_needs=(
            (
                "Des cohortes de patients et des échantillons cliniques pour valider nos anticorps candidats.",
                "Patient cohorts and clinical samples to validate our antibody candidates.",
            ),
            (
                "Une équipe académique experte de la cible pour un projet collaboratif financé.",
                "An academic team that knows the target well, for a funded collaborative project.",
            ),
        ),
    ),
    Theme(
        code="vaccines",
        focus_area=FocusArea.IMMUNOTHERAPY,
        topic_fr="vaccinologie",
        topic_en="vaccinology",
        tags=(
            ("vaccines", "vaccins"),
            ("adjuvants", "adjuvants"),
            ("mRNA vaccines", "vaccins ARNm"),
            ("immunogenicity", "immunogénicité"),
            ("infectious diseases", "maladies infectieuses"),
        ),
        subjects_fr=(
            "les vaccins contre les maladies infectieuses émergentes",
            "les adjuvants et la formulation vaccinale",
            "les vaccins à ARN messager",
            "la réponse immunitaire muqueuse",
        ),
        subjects_en=(
            "vaccines against emerging infectious diseases",
            "adjuvants and vaccine formulation",
            "messenger RNA vaccines",
            "mucosal immune responses",
        ),
        methods_fr=(
            "les modèles d'infection in vivo",
            "la formulation en nanoparticules lipidiques",
            "le suivi de l'immunogénicité chez l'animal",
            "les tests de séroneutralisation",
        ),
        methods_en=(
            "in vivo infection models",
            "lipid nanoparticle formulation",
            "immunogenicity studies in animals",
            "seroneutralisation assays",
        ),
        public_offers=(
            (
                "Modèles précliniques d'infection et laboratoires de confinement L3.",
                "Preclinical infection models and BSL-3 containment laboratories.",
            ),
            (
                "Savoir-faire en immunomonitoring des essais vaccinaux.",
                "Know-how in immune monitoring of vaccine trials.",
            ),
        ),
        public_needs=(
            (
                "Un industriel capable de formuler et de produire des lots cliniques de vaccin.",
                "A company able to formulate and manufacture clinical vaccine batches.",
            ),
        ),
        private_offers=(
            (
                "Formulation de vaccins et production de lots de nanoparticules lipidiques.",
                "Vaccine formulation and lipid nanoparticle batch manufacturing.",
            ),
        ),
        private_needs=(
            (
                "Des modèles animaux d'infection et des équipes d'immunologie pour tester nos candidats vaccins.",
                "Animal infection models and immunology teams to test our vaccine candidates.",
            ),
        ),
    ),
    Theme(
        code="immuno_oncology",
        focus_area=FocusArea.IMMUNOTHERAPY,
        topic_fr="immunologie des tumeurs",
        topic_en="tumour immunology",
        tags=(
            ("CAR-T cells", "cellules CAR-T", "CAR-T"),
            ("immune checkpoints", "points de contrôle immunitaire"),
            ("T cells", "lymphocytes T"),
            ("tumour microenvironment", "microenvironnement tumoral"),
            ("cancer immunotherapy", "immunothérapie des cancers"),
        ),
        subjects_fr=(
            "les lymphocytes T et leur épuisement dans les tumeurs",
            "les cellules CAR-T dirigées contre les tumeurs solides",
            "les inhibiteurs de points de contrôle immunitaire",
            "le microenvironnement tumoral",
        ),
        subjects_en=(
            "T cells and their exhaustion in tumours",
            "CAR-T cells against solid tumours",
            "immune checkpoint inhibitors",
            "the tumour microenvironment",
        ),
        methods_fr=(
            "la cytométrie en flux multiparamétrique",
            "le séquençage de cellules uniques",
            "les organoïdes tumoraux",
            "l'édition de génome par CRISPR",
        ),
        methods_en=(
            "high-dimensional flow cytometry",
            "single-cell sequencing",
            "tumour organoids",
            "CRISPR genome editing",
        ),
        public_offers=(
            (
                "Biobanque de tumeurs et données cliniques associées.",
                "A tumour biobank with matched clinical data.",
            ),
            (
                "Centre d'investigation clinique pour les essais précoces en immuno-oncologie.",
                "A clinical investigation centre for early immuno-oncology trials.",
            ),
        ),
        public_needs=(
            (
                "Un partenaire industriel pour développer une cellule CAR-T issue du laboratoire.",
                "An industrial partner to develop a CAR-T construct from the lab.",
            ),
        ),
        private_offers=(
            (
                "Technologies d'édition de lymphocytes T et capacité de production de lots cliniques.",
                "T cell editing technologies and clinical batch manufacturing capacity.",
            ),
        ),
        private_needs=(
            (
                "Un service clinique pour conduire un essai de phase I.",
                "A clinical department to run a phase I trial.",
            ),
            (
                "Des échantillons de tumeurs pour valider nos cibles.",
                "Tumour samples to validate our targets.",
            ),
        ),
    ),
    Theme(
        code="transplantation",
        focus_area=FocusArea.IMMUNOTHERAPY,
        topic_fr="immunologie de la transplantation",
        topic_en="transplantation immunology",
        tags=(
            ("transplantation", "transplantation"),
            ("immune tolerance", "tolérance immunitaire"),
            ("regulatory T cells", "lymphocytes T régulateurs", "Treg"),
            ("autoimmune diseases", "maladies auto-immunes"),
        ),
        subjects_fr=(
            "la tolérance immunitaire en transplantation d'organes",
            "les lymphocytes T régulateurs",
            "les maladies auto-immunes",
            "le rejet de greffe et ses biomarqueurs",
        ),
        subjects_en=(
            "immune tolerance in organ transplantation",
            "regulatory T cells",
            "autoimmune diseases",
            "graft rejection and its biomarkers",
        ),
        methods_fr=(
            "les modèles de greffe chez le rat",
            "la transcriptomique des biopsies",
            "l'immunomonitoring des patients greffés",
        ),
        methods_en=(
            "rat transplantation models",
            "biopsy transcriptomics",
            "immune monitoring of transplant recipients",
        ),
        public_offers=(
            (
                "Cohorte de patients transplantés suivis sur plus de quinze ans.",
                "A cohort of transplant recipients followed for more than fifteen years.",
            ),
        ),
        public_needs=(
            (
                "Une société pour développer un test de biomarqueurs du rejet.",
                "A company to develop a rejection biomarker test.",
            ),
        ),
        private_offers=(
            (
                "Développement de tests diagnostiques et accès au marché.",
                "Diagnostic test development and market access.",
            ),
        ),
        private_needs=(
            (
                "Des échantillons de patients greffés et une expertise clinique en transplantation.",
                "Samples from transplant recipients and clinical expertise in transplantation.",
            ),
        ),
    ),
    Theme(
        code="cell_therapy",
        focus_area=FocusArea.REGENERATIVE_MEDICINE,
        topic_fr="thérapie cellulaire",
        topic_en="cell therapy",
        tags=(
            ("cell therapy", "thérapie cellulaire"),
            ("mesenchymal stem cells", "cellules souches mésenchymateuses", "MSC"),
            ("induced pluripotent stem cells", "cellules souches pluripotentes induites", "iPSC"),
            ("advanced therapy medicinal products", "médicaments de thérapie innovante", "ATMP"),
        ),
        subjects_fr=(
            "la thérapie cellulaire à base de cellules souches mésenchymateuses",
            "les cellules souches pluripotentes induites",
            "les médicaments de thérapie innovante",
            "la réparation du cartilage et de l'os",
        ),
        subjects_en=(
            "cell therapy with mesenchymal stem cells",
            "induced pluripotent stem cells",
            "advanced therapy medicinal products",
            "cartilage and bone repair",
        ),
        methods_fr=(
            "la différenciation cellulaire dirigée",
            "la culture cellulaire en conditions BPF",
            "les contrôles qualité des produits cellulaires",
        ),
        methods_en=(
            "directed cell differentiation",
            "GMP cell culture",
            "quality control of cell products",
        ),
        public_offers=(
            (
                "Unité de thérapie cellulaire hospitalière autorisée pour les lots cliniques.",
                "A hospital cell therapy unit licensed for clinical batches.",
            ),
            (
                "Modèles précliniques de réparation tissulaire.",
                "Preclinical models of tissue repair.",
            ),
        ),
        public_needs=(
            (
                "Un partenaire pour automatiser et industrialiser notre procédé de culture cellulaire.",
                "A partner to automate and scale up our cell culture process.",
            ),
        ),
        private_offers=(
            (
                "Bioréacteurs et systèmes clos pour la production de cellules.",
                "Bioreactors and closed systems for cell manufacturing.",
            ),
        ),
        private_needs=(
            (
                "Une unité clinique pour un premier essai chez l'homme.",
                "A clinical unit for a first-in-human trial.",
            ),
        ),
    ),
    Theme(
        code="gene_therapy",
        focus_area=FocusArea.REGENERATIVE_MEDICINE,
        topic_fr="thérapie génique",
        topic_en="gene therapy",
        tags=(
            ("gene therapy", "thérapie génique"),
            ("AAV vectors", "vecteurs AAV", "AAV"),
            ("lentiviral vectors", "vecteurs lentiviraux"),
            ("rare diseases", "maladies rares"),
            ("genome editing", "édition du génome"),
        ),
        subjects_fr=(
            "la thérapie génique des maladies rares de la rétine",
            "les vecteurs viraux AAV",
            "la thérapie génique des maladies neuromusculaires",
            "l'édition du génome in vivo",
        ),
        subjects_en=(
            "gene therapy for rare retinal diseases",
            "AAV viral vectors",
            "gene therapy for neuromuscular diseases",
            "in vivo genome editing",
        ),
        methods_fr=(
            "la production et la purification de vecteurs AAV",
            "les modèles gros animaux",
            "la biodistribution des vecteurs",
        ),
        methods_en=(
            "AAV vector production and purification",
            "large animal models",
            "vector biodistribution studies",
        ),
        public_offers=(
            (
                "Plateforme de production de vecteurs viraux de grade recherche.",
                "A research-grade viral vector production core.",
            ),
            (
                "Modèles gros animaux de maladies génétiques.",
                "Large animal models of genetic diseases.",
            ),
        ),
        public_needs=(
            (
                "Un façonnier pour produire des vecteurs AAV de grade clinique.",
                "A contract manufacturer for clinical-grade AAV vectors.",
            ),
        ),
        private_offers=(
            (
                "Production de vecteurs viraux en conditions BPF, de la mise au point au lot clinique.",
                "GMP viral vector manufacturing, from process development to clinical batches.",
            ),
        ),
        private_needs=(
            (
                "Des équipes académiques avec des candidats de thérapie génique à développer.",
                "Academic teams with gene therapy candidates to develop.",
            ),
        ),
    ),
    Theme(
        code="tissue_engineering",
        focus_area=FocusArea.REGENERATIVE_MEDICINE,
        topic_fr="ingénierie tissulaire",
        topic_en="tissue engineering",
        tags=(
            ("tissue engineering", "ingénierie tissulaire"),
            ("biomaterials", "biomatériaux"),
            ("organoids", "organoïdes"),
            ("3D bioprinting", "bio-impression 3D"),
        ),
        subjects_fr=(
            "les biomatériaux pour la régénération osseuse",
            "les organoïdes dérivés de patients",
            "la bio-impression 3D de tissus",
        ),
        subjects_en=(
            "biomaterials for bone regeneration",
            "patient-derived organoids",
            "3D bioprinting of tissues",
        ),
        methods_fr=(
            "la caractérisation mécanique des hydrogels",
            "la microscopie confocale",
            "la culture en 3D",
        ),
        methods_en=(
            "mechanical characterisation of hydrogels",
            "confocal microscopy",
            "3D culture",
        ),
        public_offers=(
            (
                "Plateau de bio-impression et d'imagerie 3D ouvert aux industriels.",
                "A bioprinting and 3D imaging facility open to companies.",
            ),
        ),
        public_needs=(
            (
                "Un industriel des dispositifs médicaux pour porter un biomatériau vers la clinique.",
                "A medical device company to take a biomaterial to the clinic.",
            ),
        ),
        private_offers=(
            (
                "Hydrogels et biomatériaux de grade médical.",
                "Medical-grade hydrogels and biomaterials.",
            ),
        ),
        private_needs=(
            (
                "Des modèles précliniques de réparation osseuse.",
                "Preclinical models of bone repair.",
            ),
        ),
    ),
    Theme(
        code="bioprocess",
        focus_area=FocusArea.BIOPRODUCTION,
        topic_fr="procédés de bioproduction",
        topic_en="bioproduction processes",
        tags=(
            ("bioproduction", "bioproduction"),
            ("upstream process development", "développement de procédés amont", "USP"),
            ("downstream processing", "purification", "DSP"),
            ("GMP manufacturing", "production BPF", "GMP"),
            ("bioreactors", "bioréacteurs"),
            ("scale-up", "montée en échelle"),
            ("process analytical technology", "technologie analytique des procédés", "PAT"),
        ),
        subjects_fr=(
            "le développement de procédés de culture cellulaire",
            "la purification des protéines recombinantes",
            "la montée en échelle des bioprocédés",
            "le contrôle en ligne des procédés",
        ),
        subjects_en=(
            "cell culture process development",
            "purification of recombinant proteins",
            "bioprocess scale-up",
            "process analytical technology",
        ),
        methods_fr=(
            "les bioréacteurs à usage unique",
            "la chromatographie",
            "les plans d'expériences",
            "la spectroscopie Raman en ligne",
        ),
        methods_en=(
            "single-use bioreactors",
            "chromatography",
            "design of experiments",
            "in-line Raman spectroscopy",
        ),
        public_offers=(
            (
                "Pilote de bioproduction et formation aux bonnes pratiques de fabrication.",
                "A bioproduction pilot plant and GMP training.",
            ),
            (
                "Recherche en génie des procédés et modélisation des bioréacteurs.",
                "Research in process engineering and bioreactor modelling.",
            ),
        ),
        public_needs=(
            (
                "Des cas industriels pour nos travaux de modélisation des procédés.",
                "Industrial case studies for our process modelling work.",
            ),
        ),
        private_offers=(
            (
                "Capacité de production BPF de 50 à 2 000 L et développement de procédés.",
                "GMP manufacturing capacity from 50 to 2,000 L and process development.",
            ),
            (
                "Services d'analyse et de libération de lots.",
                "Analytical and batch release services.",
            ),
        ),
        private_needs=(
            (
                "Des ingénieurs et des doctorants CIFRE en génie des procédés.",
                "Engineers and industrial PhD students in process engineering.",
            ),
            (
                "Une expertise académique en modélisation des bioréacteurs.",
                "Academic expertise in bioreactor modelling.",
            ),
        ),
    ),
    Theme(
        code="radiopharmaceuticals",
        focus_area=FocusArea.RADIOPHARMACEUTICALS,
        topic_fr="radiopharmacie et médecine nucléaire",
        topic_en="radiopharmaceuticals and nuclear medicine",
        tags=(
            ("radiopharmaceuticals", "radiopharmaceutiques"),
            ("targeted alpha therapy", "alphathérapie ciblée"),
            ("PET imaging", "imagerie TEP", "PET"),
            ("theranostics", "théranostique"),
            ("dosimetry", "dosimétrie"),
            ("nuclear medicine", "médecine nucléaire"),
        ),
        subjects_fr=(
            "la radiothérapie interne vectorisée",
            "l'alphathérapie ciblée",
            "l'imagerie TEP des tumeurs",
            "la théranostique",
        ),
        subjects_en=(
            "targeted radionuclide therapy",
            "targeted alpha therapy",
            "PET imaging of tumours",
            "theranostics",
        ),
        methods_fr=(
            "la radiochimie et le radiomarquage",
            "la dosimétrie personnalisée",
            "la production de radio-isotopes par cyclotron",
        ),
        methods_en=(
            "radiochemistry and radiolabelling",
            "personalised dosimetry",
            "cyclotron production of radioisotopes",
        ),
        public_offers=(
            (
                "Accès à un cyclotron de recherche et à des radio-isotopes innovants.",
                "Access to a research cyclotron and innovative radioisotopes.",
            ),
            (
                "Service de médecine nucléaire pour les essais cliniques.",
                "A nuclear medicine department for clinical trials.",
            ),
        ),
        public_needs=(
            (
                "Un partenaire pharmaceutique pour développer un radiopharmaceutique.",
                "A pharmaceutical partner to develop a radiopharmaceutical.",
            ),
        ),
        private_offers=(
            (
                "Production et distribution de radiopharmaceutiques.",
                "Radiopharmaceutical manufacturing and distribution.",
            ),
        ),
        private_needs=(
            (
                "Des vecteurs (anticorps, peptides) à radiomarquer et des équipes de radiobiologie.",
                "Vectors (antibodies, peptides) to radiolabel and radiobiology teams.",
            ),
        ),
    ),
    Theme(
        code="microbiota",
        focus_area=FocusArea.NUTRITION_MICROBIOTA,
        topic_fr="microbiote et nutrition",
        topic_en="microbiota and nutrition",
        tags=(
            ("microbiota", "microbiote"),
            ("gut microbiome", "microbiome intestinal"),
            ("probiotics", "probiotiques"),
            ("clinical nutrition", "nutrition clinique"),
            ("metagenomics", "métagénomique"),
        ),
        subjects_fr=(
            "le microbiote intestinal et les maladies inflammatoires",
            "les probiotiques de nouvelle génération",
            "la nutrition clinique",
            "l'axe intestin-cerveau",
        ),
        subjects_en=(
            "the gut microbiota and inflammatory diseases",
            "next-generation probiotics",
            "clinical nutrition",
            "the gut-brain axis",
        ),
        methods_fr=("la métagénomique", "les modèles gnotobiotiques", "la métabolomique"),
        methods_en=("metagenomics", "gnotobiotic models", "metabolomics"),
        public_offers=(
            (
                "Cohortes nutritionnelles et plateforme de métagénomique.",
                "Nutrition cohorts and a metagenomics platform.",
            ),
        ),
        public_needs=(
            (
                "Un industriel de l'agroalimentaire ou de la santé pour valoriser une souche bactérienne.",
                "A food or health company to develop a bacterial strain.",
            ),
        ),
        private_offers=(
            (
                "Production de souches probiotiques et formulation.",
                "Probiotic strain production and formulation.",
            ),
        ),
        private_needs=(
            (
                "Un partenaire clinique pour une étude d'intervention nutritionnelle.",
                "A clinical partner for a nutritional intervention study.",
            ),
        ),
    ),
    Theme(
        code="animal_health",
        focus_area=FocusArea.ANIMAL_HEALTH,
        topic_fr="santé animale",
        topic_en="animal health",
        tags=(
            ("animal health", "santé animale"),
            ("veterinary vaccines", "vaccins vétérinaires"),
            ("One Health", "Une seule santé"),
            ("zoonoses", "zoonoses"),
            ("livestock", "élevage"),
        ),
        subjects_fr=(
            "les vaccins vétérinaires",
            "les zoonoses et l'approche Une seule santé",
            "la santé des animaux d'élevage",
            "les alternatives aux antibiotiques en élevage",
        ),
        subjects_en=(
            "veterinary vaccines",
            "zoonoses and the One Health approach",
            "livestock health",
            "alternatives to antibiotics in farming",
        ),
        methods_fr=("l'expérimentation en animalerie confinée", "l'épidémiologie", "la sérologie"),
        methods_en=("contained animal facility studies", "epidemiology", "serology"),
        public_offers=(
            (
                "Installations expérimentales pour animaux d'élevage.",
                "Experimental facilities for farm animals.",
            ),
        ),
        public_needs=(
            (
                "Un laboratoire pharmaceutique vétérinaire pour développer un vaccin.",
                "A veterinary pharmaceutical company to develop a vaccine.",
            ),
        ),
        private_offers=(
            (
                "Développement réglementaire et mise sur le marché de produits vétérinaires.",
                "Regulatory development and marketing of veterinary products.",
            ),
        ),
        private_needs=(
            (
                "Des équipes de recherche en infectiologie animale.",
                "Research teams in animal infectious diseases.",
            ),
        ),
    ),
    Theme(
        code="digital_health",
        focus_area=FocusArea.DIGITAL_HEALTH,
        topic_fr="santé numérique",
        topic_en="digital health",
        tags=(
            ("artificial intelligence", "intelligence artificielle", "AI"),
            ("bioinformatics", "bioinformatique"),
            ("clinical data warehouse", "entrepôt de données de santé"),
            ("medical imaging", "imagerie médicale"),
            ("digital twins", "jumeaux numériques"),
        ),
        subjects_fr=(
            "l'intelligence artificielle appliquée à l'imagerie médicale",
            "les entrepôts de données de santé",
            "la bioinformatique des données omiques",
            "les jumeaux numériques des bioprocédés",
        ),
        subjects_en=(
            "artificial intelligence for medical imaging",
            "clinical data warehouses",
            "bioinformatics of omics data",
            "digital twins of bioprocesses",
        ),
        methods_fr=(
            "l'apprentissage profond",
            "l'analyse de données massives",
            "la modélisation statistique",
        ),
        methods_en=("deep learning", "large-scale data analysis", "statistical modelling"),
        public_offers=(
            (
                "Accès encadré à l'entrepôt de données de santé de l'hôpital.",
                "Supervised access to the hospital's clinical data warehouse.",
            ),
            (
                "Expertise en biostatistique et en apprentissage automatique.",
                "Expertise in biostatistics and machine learning.",
            ),
        ),
        public_needs=(
            (
                "Une entreprise pour industrialiser un algorithme validé.",
                "A company to turn a validated algorithm into a product.",
            ),
        ),
        private_offers=(
            (
                "Logiciels d'analyse d'images et infrastructure de calcul certifiée hébergeur de données de santé.",
                "Image analysis software and certified health data hosting.",
            ),
        ),
        private_needs=(
            (
                "Des données cliniques annotées et des médecins pour valider nos algorithmes.",
                "Annotated clinical data and physicians to validate our algorithms.",
            ),
        ),
    ),
)

THEMES_BY_CODE = {theme.code: theme for theme in THEMES}

# Which themes each kind of organisation tends to work on (others remain possible).
KIND_THEME_BIAS: dict[str, tuple[str, ...]] = {
    OrganisationKind.CDMO: ("bioprocess", "gene_therapy", "cell_therapy", "antibodies"),
    OrganisationKind.HOSPITAL: (
        "transplantation",
        "immuno_oncology",
        "cell_therapy",
        "radiopharmaceuticals",
        "digital_health",
    ),
    OrganisationKind.TECHNOLOGY_PLATFORM: (
        "bioprocess",
        "gene_therapy",
        "radiopharmaceuticals",
        "digital_health",
        "tissue_engineering",
    ),
}

# Each region's strengths: the cluster's own words (immunotherapy, radiopharmaceuticals and
# regenerative medicine around Nantes and Angers; antibodies, vaccines and animal health in the
# Centre-Val de Loire; nutrition, microbiota and digital health in Brittany).
REGION_THEME_BIAS: dict[str, tuple[str, ...]] = {
    Region.PAYS_DE_LA_LOIRE: (
        "antibodies",
        "immuno_oncology",
        "transplantation",
        "radiopharmaceuticals",
        "cell_therapy",
        "gene_therapy",
        "bioprocess",
    ),
    Region.BRETAGNE: ("microbiota", "digital_health", "animal_health", "vaccines", "bioprocess"),
    Region.CENTRE_VAL_DE_LOIRE: ("antibodies", "vaccines", "animal_health", "bioprocess"),
}

CITIES: dict[str, tuple[tuple[str, int], ...]] = {
    # (city, weight): most members sit around the regional capitals and their science parks.
    Region.PAYS_DE_LA_LOIRE: (
        ("Nantes", 40),
        ("Saint-Herblain", 8),
        ("Angers", 16),
        ("Le Mans", 5),
        ("Carquefou", 4),
        ("Saint-Nazaire", 3),
        ("La Roche-sur-Yon", 3),
        ("Laval", 3),
        ("Rezé", 2),
        ("Cholet", 2),
        ("Beaucouzé", 2),
    ),
    Region.BRETAGNE: (
        ("Rennes", 20),
        ("Brest", 10),
        ("Vannes", 3),
        ("Lorient", 3),
        ("Quimper", 2),
        ("Saint-Brieuc", 2),
        ("Roscoff", 2),
        ("Lannion", 2),
        ("Ploufragan", 2),
    ),
    Region.CENTRE_VAL_DE_LOIRE: (
        ("Tours", 12),
        ("Orléans", 8),
        ("Nouzilly", 3),
        ("Blois", 2),
        ("Bourges", 2),
        ("Chartres", 1),
        ("Châteauroux", 1),
    ),
}

OTHER_PLACES: tuple[tuple[str, str], ...] = (
    (Region.ILE_DE_FRANCE, "Paris"),
    (Region.ILE_DE_FRANCE, "Évry-Courcouronnes"),
    (Region.AUVERGNE_RHONE_ALPES, "Lyon"),
    (Region.OCCITANIE, "Toulouse"),
    (Region.GRAND_EST, "Strasbourg"),
    (Region.NOUVELLE_AQUITAINE, "Bordeaux"),
    (Region.NORMANDIE, "Caen"),
    (Region.HAUTS_DE_FRANCE, "Lille"),
    (Region.PROVENCE_ALPES_COTE_D_AZUR, "Marseille"),
    (Region.OTHER, "Genève"),
    (Region.OTHER, "Leuven"),
    (Region.OTHER, "Barcelona"),
)

# Syllables for company names: regional rivers, places and legends, plus a biotech ending.
NAME_ROOTS = (
    "Erdre",
    "Ligeris",
    "Kerlys",
    "Armor",
    "Vilaine",
    "Mauges",
    "Sevria",
    "Brocel",
    "Aven",
    "Odet",
    "Loiris",
    "Lanvaux",
    "Ouessa",
    "Glaz",
    "Korrig",
    "Menez",
    "Tourain",
    "Sologn",
    "Cisse",
    "Indra",
    "Mayenn",
    "Sarth",
    "Huisn",
    "Blavet",
    "Elorn",
    "Rance",
    "Guerand",
    "Noirmout",
    "Yeuse",
    "Caudal",
    "Orvaz",
    "Tréguen",
    "Morlan",
    "Pornic",
    "Iroise",
    "Abera",
)
NAME_ENDINGS = (
    "gen",
    "cell",
    "thera",
    "bio",
    "mab",
    "vax",
    "cyte",
    "lys",
    "gene",
    "immune",
    "nova",
    "prot",
    "medix",
    "pharm",
    "sant",
    "omics",
    "path",
)
STARTUP_SUFFIXES = ("Therapeutics", "Bio", "Biotech", "Biologics", "Diagnostics", "Medical", "")
SME_SUFFIXES = (
    "Biotech",
    "Bioservices",
    "Analytics",
    "Laboratoires",
    "Biosciences",
    "Technologies",
)
LARGE_SUFFIXES = ("Pharma", "Biopharmaceuticals", "Santé", "Healthcare", "Animal Health")
CDMO_SUFFIXES = ("Biomanufacturing", "Bioproduction", "CDMO", "Biologics Services")
INVESTOR_PATTERNS = (
    "{root} Capital",
    "{root} Ventures",
    "{root} Santé Invest",
    "Fonds d'amorçage {place}",
    "{root} Innovation Partners",
)

INVENTED_PLACES = (
    "des Quatre-Vents",
    "de la Presqu'île",
    "du Val d'Erdre",
    "des Hauts-de-Loire",
    "de Kerbrat",
    "des Trois-Rivières",
    "du Bocage",
    "de l'Estuaire",
    "des Landes de Lanvaux",
    "du Vignoble",
    "de la Côte des Légendes",
    "du Pays des Abers",
    "de la Touraine verte",
    "de Sologne-Est",
    "de la Vallée du Loir",
    "des Marches de l'Ouest",
)
INVENTED_PATRONS = (
    "Anne Kerhervé",
    "Louis Thébaud",
    "Marie Quéré",
    "Jean Dréan",
    "Hélène Le Floch",
    "Paul Gicquel",
    "Yvonne Riou",
    "Émile Bodiguel",
    "Renée Tessier",
    "Joseph Lamour",
)
PLATFORM_KINDS = (
    ("Plateforme de cytométrie", "cytometry"),
    ("Plateforme de génomique", "genomics"),
    ("Plateforme de protéomique", "proteomics"),
    ("Plateau d'imagerie cellulaire", "imaging"),
    ("Animalerie et chirurgie expérimentale", "experimental surgery"),
    ("Plateforme de production de vecteurs", "vector production"),
    ("Plateforme de bioinformatique", "bioinformatics"),
    ("Plateforme de radiochimie", "radiochemistry"),
    ("Pilote de bioproduction", "bioproduction pilot"),
)
PUBLIC_BODY_PATTERNS = (
    "Agence de développement économique {place}",
    "Technopôle {root}",
    "École d'ingénieurs en biotechnologies {place}",
    "Pépinière d'entreprises de santé {place}",
    "Service de valorisation de la recherche {place}",
)
OTHER_PATTERNS = (
    "Fondation {patron} pour la recherche médicale",
    "Association des patients {place}",
    "Réseau des biothérapies {place}",
)
HOSPITAL_PATTERNS = (
    "Centre hospitalier {place}",
    "Hôpital {place}",
    "Centre de lutte contre le cancer {place}",
    "Clinique universitaire {place}",
)
INSTITUTE_PATTERNS_FR = (
    "Institut {patron} de {topic}",
    "Centre de recherche en {topic} {place}",
    "Institut de recherche {place} en {topic}",
)
LAB_PATTERNS_FR = (
    "Laboratoire de {topic} {place}",
    "Unité {acronym} – {topic}",
    "Équipe {topic}, Unité {acronym}",
)
LAB_PATTERNS_EN = (
    "{acronym} Lab – {topic}",
    "{topic} Research Group {acronym}",
)

# Women's names first: positions are written in French with the matching grammatical gender.
FRENCH_WOMEN_NAMES = (
    "Camille",
    "Claire",
    "Julie",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Céline",
    "Anne",
    "Marie",
    "Laure",
    "Élodie",
    "Aurélie",
    "Hélène",
    "Léa",
    "Manon",
    "Chloé",
    "Sarah",
    "Pauline",
    "Maëlle",
    "Gwenaëlle",
    "Soizic",
    "Nolwenn",
    "Morgane",
    "Agathe",
    "Inès",
    "Amandine",
    "Cécile",
    "Lucie",
    "Émilie",
    "Solène",
    "Anaïs",
    "Margaux",
)
FRENCH_MEN_NAMES = (
    "Nicolas",
    "Julien",
    "Thomas",
    "Pierre",
    "Antoine",
    "Sébastien",
    "Guillaume",
    "François",
    "Laurent",
    "Olivier",
    "Mathieu",
    "Maxime",
    "Romain",
    "Yann",
    "Erwan",
    "Gaël",
    "Loïc",
    "Ronan",
    "Tanguy",
    "Hugo",
    "Louis",
    "Benoît",
    "Jérôme",
    "Stéphane",
    "Vincent",
    "Damien",
    "Arnaud",
    "Cédric",
    "Karim",
    "Mehdi",
    "Youssef",
    "Bruno",
    "Denis",
    "Fabrice",
    "Grégoire",
    "Xavier",
    "Théo",
    "Adrien",
    "Bastien",
    "Florian",
)
FRENCH_SURNAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Girard",
    "Bonnet",
    "Lefebvre",
    "Mercier",
    "Blanchard",
    "Chevalier",
    "Fontaine",
    "Gautier",
    "Perrin",
    "Robin",
    "Masson",
    "Rousseau",
    "Fournier",
    "Lambert",
    "Faure",
    "André",
    "Roux",
    "Vincent",
    "Morel",
    "Garnier",
    "Le Goff",
    "Le Gall",
    "Kerbrat",
    "Morvan",
    "Guillou",
    "Tanguy",
    "Le Bihan",
    "Jaouen",
    "Quéméner",
    "Le Roux",
    "Le Floch",
    "Cadiou",
    "Le Meur",
    "Riou",
    "Gicquel",
    "Le Corre",
    "Hervé",
    "Prigent",
    "Salaün",
    "Bodin",
    "Ménard",
    "Launay",
    "Rivière",
    "Guérin",
    "Boucher",
    "Briand",
    "Chauvin",
    "Cousin",
    "Drouet",
    "Poirier",
    "Tessier",
    "Lemoine",
    "Barbier",
    "Nguyen",
    "Benali",
    "Haddad",
    "Da Silva",
    "Ferreira",
    "Diallo",
    "Traoré",
    "Lopez",
    "Pham",
    "Bouvier",
    "Marchand",
    "Giraud",
    "Renaud",
    "Baudry",
    "Charpentier",
    "Jolivet",
    "Pasquier",
    "Hamon",
    "Lebreton",
    "Besnard",
    "Gaudin",
    "Papin",
    "Huet",
    "Leroy",
)
INTERNATIONAL_FIRST_NAMES = (
    "James",
    "Emma",
    "Anna",
    "Marco",
    "Elena",
    "Lukas",
    "Sofia",
    "Ahmed",
    "Priya",
    "Wei",
    "Hiroshi",
    "Ingrid",
    "Pedro",
    "Olga",
    "Daniel",
    "Hannah",
    "Tomasz",
    "Giulia",
    "Mateo",
    "Fatima",
    "Rajesh",
    "Katarzyna",
    "Niamh",
    "Lars",
    "Ana",
    "David",
    "Rachel",
    "Jonas",
    "Yuki",
    "Samuel",
)
INTERNATIONAL_SURNAMES = (
    "Schmidt",
    "Rossi",
    "García",
    "Kowalski",
    "O'Brien",
    "Müller",
    "Novak",
    "Andersson",
    "Patel",
    "Kim",
    "Silva",
    "Jansen",
    "Murphy",
    "Fischer",
    "Costa",
    "Chen",
    "Tanaka",
    "Ivanova",
    "Brown",
    "Walsh",
    "Bianchi",
    "Nowak",
    "Larsen",
    "Santos",
    "Hughes",
    "Weber",
    "Kelly",
    "Nakamura",
    "Romano",
    "Berg",
)

POSITIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # (French for a woman, French for a man, English) by kind of organisation.
    "academic": (
        ("Directrice de recherche", "Directeur de recherche", "Research director"),
        ("Chargée de recherche", "Chargé de recherche", "Research scientist"),
        ("Maîtresse de conférences", "Maître de conférences", "Associate professor"),
        ("Professeure des universités", "Professeur des universités", "Professor"),
        ("Ingénieure de recherche", "Ingénieur de recherche", "Research engineer"),
        ("Chercheuse post-doctorale", "Chercheur post-doctoral", "Postdoctoral researcher"),
        ("Cheffe d'équipe", "Chef d'équipe", "Team leader"),
    ),
    "hospital": (
        (
            "Professeure des universités – praticienne hospitalière",
            "Professeur des universités – praticien hospitalier",
            "Professor and hospital consultant",
        ),
        ("Praticienne hospitalière", "Praticien hospitalier", "Hospital consultant"),
        ("Cheffe de service", "Chef de service", "Head of department"),
        (
            "Coordinatrice du centre d'investigation clinique",
            "Coordinateur du centre d'investigation clinique",
            "Clinical investigation centre coordinator",
        ),
        (
            "Pharmacienne responsable de l'unité de thérapie cellulaire",
            "Pharmacien responsable de l'unité de thérapie cellulaire",
            "Head pharmacist, cell therapy unit",
        ),
    ),
    "platform": (
        ("Responsable de plateforme", "Responsable de plateforme", "Core facility manager"),
        ("Ingénieure d'études", "Ingénieur d'études", "Research engineer"),
        (
            "Directrice scientifique de la plateforme",
            "Directeur scientifique de la plateforme",
            "Scientific director of the core facility",
        ),
    ),
    "company": (
        ("Présidente-directrice générale", "Président-directeur général", "CEO"),
        ("Directrice scientifique", "Directeur scientifique", "Chief scientific officer"),
        ("Directrice des opérations", "Directeur des opérations", "Chief operating officer"),
        (
            "Responsable du développement des procédés",
            "Responsable du développement des procédés",
            "Head of process development",
        ),
        (
            "Responsable des affaires réglementaires",
            "Responsable des affaires réglementaires",
            "Head of regulatory affairs",
        ),
        ("Chargée d'affaires", "Chargé d'affaires", "Business developer"),
        ("Cheffe de projet R&D", "Chef de projet R&D", "R&D project manager"),
        (
            "Responsable assurance qualité",
            "Responsable assurance qualité",
            "Quality assurance manager",
        ),
        ("Directrice des partenariats", "Directeur des partenariats", "Head of partnerships"),
    ),
    "investor": (
        ("Directrice d'investissement", "Directeur d'investissement", "Investment director"),
        ("Chargée d'investissement", "Chargé d'investissement", "Investment manager"),
        ("Associée", "Associé", "Partner"),
    ),
    "public_body": (
        (
            "Chargée de mission innovation santé",
            "Chargé de mission innovation santé",
            "Health innovation officer",
        ),
        ("Responsable valorisation", "Responsable valorisation", "Technology transfer officer"),
        ("Directrice", "Directeur", "Director"),
    ),
}

EXPERTISE_TEMPLATES_FR = (
    "Spécialiste de {subject}, avec une expérience pratique de {method} et de {method2}.",
    "Mes travaux portent sur {subject} : {method} et {method2}.",
    "{years} ans d'expérience sur {subject}, du laboratoire jusqu'aux premières étapes cliniques.",
    "Je coordonne des projets collaboratifs sur {subject} et j'utilise au quotidien {method}.",
)
EXPERTISE_TEMPLATES_EN = (
    "Specialist in {subject}, with hands-on experience of {method} and {method2}.",
    "My work focuses on {subject}: {method} and {method2}.",
    "{years} years of experience in {subject}, from the bench to early clinical development.",
    "I coordinate collaborative projects on {subject} and use {method} every day.",
)
COMPANY_EXPERTISE_TEMPLATES_FR = (
    "Je pilote nos programmes sur {subject}, de la preuve de concept au développement.",
    "En charge des partenariats autour de {subject}, avec une formation centrée sur {method}.",
    "{years} ans dans l'industrie, dont plusieurs sur {subject} et {method}.",
)
COMPANY_EXPERTISE_TEMPLATES_EN = (
    "I lead our programmes on {subject}, from proof of concept to development.",
    "In charge of partnerships around {subject}, with a background in {method}.",
    "{years} years in industry, several of them on {subject} and {method}.",
)
INVESTOR_EXPERTISE = (
    (
        "Investissement en amorçage et en série A dans les biotechnologies de la santé, en particulier {subject}.",
        "Seed and series A investment in health biotechnology, in particular {subject}.",
    ),
)

DESCRIPTION_TEMPLATES = {
    "academic": (
        (
            "{name} réunit une vingtaine de chercheurs, ingénieurs et doctorants autour de {subject}. "
            "L'équipe maîtrise {method} et {method2}, et collabore déjà avec plusieurs entreprises du pôle.",
            "{name} brings together about twenty researchers, engineers and PhD students working on "
            "{subject}. The team masters {method} and {method2} and already works with several "
            "companies of the cluster.",
        ),
    ),
    "hospital": (
        (
            "Établissement hospitalier de référence pour {subject}. Ses services cliniques et son centre "
            "d'investigation conduisent des essais précoces et s'appuient sur {method}.",
            "A reference hospital for {subject}. Its clinical departments and investigation centre run "
            "early-phase trials and rely on {method}.",
        ),
    ),
    "platform": (
        (
            "Plateforme technologique ouverte aux laboratoires et aux entreprises, spécialisée dans "
            "{method} au service de {subject}.",
            "A core facility open to laboratories and companies, specialised in {method} for "
            "{subject}.",
        ),
    ),
    "company": (
        (
            "{name} développe des solutions innovantes dans {subject}. Notre équipe s'appuie sur "
            "{method} et sur un réseau de partenaires académiques de l'Ouest.",
            "{name} develops innovative solutions in {subject}. Our team relies on {method} and on a "
            "network of academic partners in western France.",
        ),
    ),
    "investor": (
        (
            "Fonds d'investissement dédié aux jeunes entreprises de santé du Grand Ouest, en "
            "particulier dans {subject}.",
            "An investment fund for young health companies in western France, notably in {subject}.",
        ),
    ),
    "public_body": (
        (
            "Structure publique d'accompagnement de l'innovation en santé : mise en relation, "
            "montage de projets et accès aux financements, notamment autour de {subject}.",
            "A public body supporting health innovation: introductions, project building and access to "
            "funding, notably in {subject}.",
        ),
    ),
}

INVESTOR_OFFERS = (
    (
        "Financement d'amorçage et de série A, accompagnement des fondateurs.",
        "Seed and series A funding, and support for founders.",
    ),
)
INVESTOR_NEEDS = (
    (
        "Des projets de création d'entreprise issus des laboratoires du pôle.",
        "Company creation projects coming out of the cluster's laboratories.",
    ),
)
PUBLIC_BODY_OFFERS = (
    (
        "Accompagnement au montage de projets collaboratifs et aux appels à projets régionaux et européens.",
        "Help building collaborative projects and answering regional and European calls.",
    ),
)
PUBLIC_BODY_NEEDS = (
    (
        "Des entreprises et des laboratoires prêts à monter des projets communs.",
        "Companies and laboratories ready to build joint projects.",
    ),
)

# Real companies and institutions of this field and region: generated names must not contain
# them (checked in tests and when names are drawn).
REAL_NAMES_TO_AVOID = (
    "atlanpole",
    "valneva",
    "sanofi",
    "servier",
    "boehringer",
    "merck",
    "lonza",
    "novasep",
    "cyclopharma",
    "arronax",
    "xenothera",
    "ose immuno",
    "effimune",
    "clean biologics",
    "goliver",
    "tcland",
    "inserm",
    "cnrs",
    "inrae",
    "genethon",
    "yposkesi",
    "mérieux",
    "merieux",
    "ceva",
    "virbac",
    "zoetis",
    "elanco",
    "mabdesign",
    "mabimprove",
    "polyplus",
    "sartorius",
    "cellectis",
    "genfit",
    "ipsen",
    "pierre fabre",
    "gustave roussy",
    "in-cell-art",
    "lentigen",
    "genosafe",
    "ouest valorisation",
    "biogenouest",
    "nucleopolis",
    "valorial",
    "images & réseaux",
    "novartis",
    "roche",
    "pfizer",
    "moderna",
    "biontech",
    "theravance",
    "chu de nantes",
    "chu d'angers",
    "chu de rennes",
    "chu de tours",
    "chu de brest",
    "université de nantes",
    "nantes université",
    "université d'angers",
    "université de tours",
    "loire valley invest",
    "biocorp",
    "eurofins",
    "abzyme",
    "bioprojet",
    "vivet",
)
