"""A small realistic cluster: French labs and hospitals, English-writing startups."""

import pytest

from matchmaker.matching import Profile


def _org(key, sector, expertise="", tags=(), focus=(), offer="", looking_for="", language="fr"):
    return Profile(
        key=key,
        sector=sector,
        group=key,
        expertise=expertise,
        tags=tuple(tags),
        focus_areas=tuple(focus),
        offer=offer,
        looking_for=looking_for,
        language=language,
    )


@pytest.fixture
def cluster():
    return [
        _org(
            "o:radiolab",
            "public",
            "Service de médecine nucléaire du CHU : imagerie TEP, radiochimie et dosimétrie, "
            "essais cliniques de radiothérapie interne vectorisée au lutétium-177.",
            tags=["médecine nucléaire", "radiopharmaceutiques"],
            focus=["radiopharmaceuticals"],
            offer="Accès au cyclotron, radiomarquage et études de biodistribution chez l'animal.",
            looking_for="Partenaires industriels pour développer de nouveaux radioligands.",
        ),
        _org(
            "o:microbiolab",
            "public",
            "Laboratoire de recherche sur le microbiote intestinal, les probiotiques et la "
            "nutrition; modèles murins de dysbiose et métagénomique.",
            tags=["microbiote", "nutrition"],
            focus=["nutrition_microbiota"],
            offer="Séquençage 16S, métagénomique et modèles animaux gnotobiotiques.",
            looking_for="Start-up développant des biothérapies vivantes.",
        ),
        _org(
            "o:immunolab",
            "public",
            "Unité d'immunologie des tumeurs : lymphocytes T, anticorps monoclonaux, "
            "immunothérapie du cancer et cytométrie en flux.",
            tags=["immuno-oncologie", "anticorps monoclonaux"],
            focus=["immunotherapy"],
            offer="Plateforme de cytométrie en flux et immunomonitoring des essais cliniques.",
            looking_for="Partenaires pour la production BPF d'anticorps.",
        ),
        _org(
            "o:gmpplatform",
            "public",
            "Plateforme de bioproduction académique : culture cellulaire, bioréacteurs, "
            "purification des protéines recombinantes.",
            tags=["bioproduction", "bioprocédés"],
            focus=["bioproduction"],
            offer="Production de lots pilotes BPF, remplissage aseptique et vecteurs AAV.",
            looking_for="Projets de thérapie génique à industrialiser.",
        ),
        _org(
            "o:radiostart",
            "private",
            "We develop targeted radioligand therapy and PET imaging agents labelled with "
            "lutetium-177 and gallium-68 for prostate cancer (PSMA).",
            tags=["radiopharmaceuticals", "theranostics"],
            focus=["radiopharmaceuticals"],
            offer="Radiopharmaceutical chemistry know-how.",
            looking_for="Access to a cyclotron, radiolabelling and clinical nuclear medicine "
            "sites for first-in-human trials.",
            language="en",
        ),
        _org(
            "o:mabstart",
            "private",
            "Biotech startup discovering bispecific antibodies and monoclonal antibodies for "
            "cancer immunotherapy.",
            tags=["mAb", "immuno-oncology"],
            focus=["immunotherapy"],
            offer="Antibody engineering and T cell assays.",
            looking_for="GMP manufacturing of antibodies and immune monitoring in clinical trials.",
            language="en",
        ),
        _org(
            "o:biomestart",
            "private",
            "Live biotherapeutic products from the gut microbiome for metabolic diseases.",
            tags=["microbiome", "probiotics"],
            focus=["nutrition_microbiota"],
            offer="Strain library and anaerobic fermentation.",
            looking_for="Germ-free mouse models and metagenomics.",
            language="en",
        ),
        _org(
            "o:cdmo",
            "private",
            "Contract development and manufacturing organisation for viral vectors and gene "
            "therapy.",
            tags=["CDMO", "AAV"],
            focus=["bioproduction"],
            offer="GMP fill-finish and AAV vector manufacturing.",
            looking_for="Gene therapy programmes to scale up.",
            language="en",
        ),
    ]
