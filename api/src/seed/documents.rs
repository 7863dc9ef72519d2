//! Demo documents: the ones the association's own texts name, each with a
//! small real file (Markdown, or a one-page PDF made here) as its first
//! version. Every title and summary is in English and Norwegian; the ethics
//! draft and the EQF guide are also in Danish and Dutch. The admin adds
//! them all, for their owners.

use super::{ForRow, Loaded, Loader, Ymd, date, id, strings};
use crate::auth::Caller;
use crate::documents::{self, CreateDocumentInput};
use crate::domain::{DocumentKind, SharePermission, TranslationStatus, Visibility};

struct DemoDocument {
    /// The owner's slug.
    owner: &'static str,
    kind: DocumentKind,
    /// (en-US, nb-NO) titles and summaries; the first of `original_locale`'s is the source.
    title: (&'static str, &'static str),
    summary: (&'static str, &'static str),
    original_locale: &'static str,
    content_language: &'static str,
    license: Option<&'static str>,
    authors: &'static [&'static str],
    published: Ymd,
    topics: &'static [&'static str],
    visibility: Visibility,
    /// (organisation slug, permission)
    shares: &'static [(&'static str, SharePermission)],
    filename: &'static str,
    body: &'static str,
    pdf: bool,
    /// Complete translations into other content locales: (locale, title, summary).
    translations: &'static [(&'static str, &'static str, &'static str)],
}

const DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        owner: super::HUB_SLUG,
        kind: DocumentKind::Survey,
        title: (
            "Peer Support Worker Survey 2022",
            "Erfaringskonsulentundersøkelsen 2022",
        ),
        summary: (
            "The yearly membership survey among peer support workers affiliated with Erfaringssentrum (n = 168): working conditions, training and the barriers peer workers meet.",
            "Den årlige medlemsundersøkelsen blant erfaringskonsulenter tilknyttet Erfaringssentrum (n = 168): arbeidsvilkår, opplæring og barrierene erfaringskonsulenter møter.",
        ),
        original_locale: "nb-NO",
        content_language: "nb-NO",
        license: Some("CC-BY-4.0"),
        authors: &["Erfaringssentrum"],
        published: (2023, 2, 1),
        topics: &["survey", "working conditions", "barriers"],
        visibility: Visibility::Public,
        shares: &[],
        filename: "erfaringskonsulentundersokelsen-2022.md",
        body: "# Erfaringskonsulentundersøkelsen 2022\n\nSvar fra 168 erfaringskonsulenter om arbeidsvilkår, opplæring og barrierer.\n",
        pdf: false,
        translations: &[],
    },
    DemoDocument {
        owner: super::HUB_SLUG,
        kind: DocumentKind::Ethics,
        title: (
            "Ethics guidelines for peer support workers (draft)",
            "Etiske retningslinjer for erfaringskonsulenter (utkast)",
        ),
        summary: (
            "A working draft of shared ethics guidelines: professionalism, confidentiality, and the line between the duty of loyalty and the freedom of speech.",
            "Et arbeidsutkast til felles etiske retningslinjer: profesjonalitet, taushetsplikt og grensen mellom lojalitetsplikt og ytringsfrihet.",
        ),
        original_locale: "nb-NO",
        content_language: "nb-NO",
        license: None,
        authors: &["Erfaringssentrum", "KBT"],
        published: (2024, 9, 15),
        topics: &["ethics", "confidentiality"],
        visibility: Visibility::Partners,
        shares: &[
            ("kbt", SharePermission::Edit),
            ("peer-netvaerket-danmark", SharePermission::View),
        ],
        filename: "etiske-retningslinjer-utkast.md",
        body: "# Etiske retningslinjer (utkast)\n\n1. Profesjonalitet\n2. Taushetsplikt\n3. Lojalitetsplikt og ytringsfrihet\n",
        pdf: false,
        translations: &[
            (
                "da-DK",
                "Etiske retningslinjer for peer-medarbejdere (udkast)",
                "Et arbejdsudkast til fælles etiske retningslinjer: professionalisme, tavshedspligt og grænsen mellem loyalitetspligt og ytringsfrihed.",
            ),
            (
                "nl-NL",
                "Ethische richtlijnen voor ervaringsdeskundigen (concept)",
                "Een werkversie van gezamenlijke ethische richtlijnen: professionaliteit, geheimhouding en de grens tussen loyaliteitsplicht en vrijheid van meningsuiting.",
            ),
        ],
    },
    DemoDocument {
        owner: "sorlandet-sykehus",
        kind: DocumentKind::Guideline,
        title: (
            "Guide for the national implementation of the further training concept for peer support workers in Norway (EQF levels 4 and 5)",
            "Veileder for nasjonal innføring av videreutdanningen for erfaringskonsulenter i Norge (EQF-nivå 4 og 5)",
        ),
        summary: (
            "An output of the Erasmus+ project European Standards for Peer Support Workers in Mental Health: the Norwegian VET system, and a proposed national strategy for training peer support workers at EQF levels 4 and 5.",
            "Et resultat av Erasmus+-prosjektet European Standards for Peer Support Workers in Mental Health: det norske fag- og yrkesopplæringssystemet, og et forslag til nasjonal strategi for opplæring av erfaringskonsulenter på EQF-nivå 4 og 5.",
        ),
        original_locale: "en-US",
        content_language: "en",
        license: Some("CC-BY-NC-SA-4.0"),
        authors: &["Sørlandet sykehus HF"],
        published: (2021, 8, 31),
        topics: &["EQF", "Erasmus+", "vocational training"],
        visibility: Visibility::Public,
        shares: &[],
        filename: "national-implementation-guide-eqf-4-5.pdf",
        body: "Guide for the national implementation of the further training concept for peer support workers in Norway (EQF levels 4 and 5)",
        pdf: true,
        translations: &[
            (
                "da-DK",
                "Vejledning i national implementering af efteruddannelseskonceptet for peer-medarbejdere i Norge (EQF-niveau 4 og 5)",
                "Et resultat af Erasmus+-projektet European Standards for Peer Support Workers in Mental Health: det norske erhvervsuddannelsessystem og et forslag til en national strategi for uddannelse af peer-medarbejdere på EQF-niveau 4 og 5.",
            ),
            (
                "nl-NL",
                "Handleiding voor de nationale invoering van het bijscholingsconcept voor ervaringsdeskundigen in Noorwegen (EQF-niveau 4 en 5)",
                "Een resultaat van het Erasmus+-project European Standards for Peer Support Workers in Mental Health: het Noorse beroepsonderwijs en een voorstel voor een nationale strategie voor de opleiding van ervaringsdeskundigen op EQF-niveau 4 en 5.",
            ),
        ],
    },
    DemoDocument {
        owner: super::HUB_SLUG,
        kind: DocumentKind::Article,
        title: (
            "Barriers to integrating peer support workers",
            "Barrierer for å integrere erfaringskonsulenter",
        ),
        summary: (
            "How lack of recognition of experiential knowledge, unclear roles, stigma, working conditions, organisational culture and training show up in Norway, and what leaders can do.",
            "Hvordan manglende anerkjennelse av erfaringskunnskap, uklare roller, stigma, arbeidsvilkår, organisasjonskultur og opplæring viser seg i Norge, og hva ledere kan gjøre.",
        ),
        original_locale: "en-US",
        content_language: "en",
        license: None,
        authors: &["Erfaringssentrum"],
        published: (2023, 6, 1),
        topics: &["barriers", "recognition", "leadership"],
        visibility: Visibility::Network,
        shares: &[],
        filename: "barriers.md",
        body: "# Barriers to integrating peer support workers\n\nRecognition, roles, stigma, working conditions, culture, training.\n",
        pdf: false,
        translations: &[],
    },
    DemoDocument {
        owner: super::HUB_SLUG,
        kind: DocumentKind::Policy,
        title: ("Board minutes, spring 2024", "Styrereferat, våren 2024"),
        summary: ("Internal minutes of the board.", "Interne referater fra styret."),
        original_locale: "nb-NO",
        content_language: "nb-NO",
        license: None,
        authors: &["Erfaringssentrum"],
        published: (2024, 6, 1),
        topics: &["board"],
        visibility: Visibility::Private,
        shares: &[],
        filename: "styrereferat-2024.md",
        body: "# Styrereferat\n\nInternt.\n",
        pdf: false,
        translations: &[],
    },
];

/// Adds the documents, as the admin: each with its translations (reviewed),
/// its shares and its file.
pub(super) async fn load(loader: &Loader<'_>, admin: &Caller, loaded: &mut Loaded) -> anyhow::Result<()> {
    let ctx = loader.ctx(admin);
    for demo in DOCUMENTS {
        let row = format!("document {}", demo.filename);
        let (pick, other, other_locale) = if demo.original_locale == "nb-NO" {
            (
                (demo.title.1, demo.summary.1),
                (demo.title.0, demo.summary.0),
                "en-US",
            )
        } else {
            (
                (demo.title.0, demo.summary.0),
                (demo.title.1, demo.summary.1),
                "nb-NO",
            )
        };
        let created = documents::create(
            &ctx,
            CreateDocumentInput {
                owner_organisation_id: Some(id(loaded.organisation(demo.owner)?)),
                kind: demo.kind,
                title: pick.0.into(),
                summary: pick.1.into(),
                original_locale: Some(demo.original_locale.into()),
                content_language: Some(demo.content_language.into()),
                license: demo.license.map(Into::into),
                authors: strings(demo.authors),
                published_on: Some(date(demo.published)?),
                topics: strings(demo.topics),
                visibility: demo.visibility,
            },
        )
        .await
        .for_row(&row)?;
        // Complete translations only: readers are shown a translation when
        // it has both texts.
        let mut translations = vec![(other_locale, other.0, other.1)];
        translations.extend_from_slice(demo.translations);
        for (locale, title, summary) in translations {
            anyhow::ensure!(
                !title.is_empty() && summary.is_empty() == pick.1.is_empty(),
                "the {} demo translation of {} is incomplete",
                locale,
                demo.filename
            );
            documents::translate(
                &ctx,
                created.id,
                locale,
                title,
                summary,
                TranslationStatus::Reviewed,
            )
            .await
            .for_row(format!("{row}, {locale}"))?;
        }
        for (slug, permission) in demo.shares {
            let organisation = loaded.organisation(slug)?;
            documents::share(&ctx, created.id, organisation, *permission, None)
                .await
                .for_row(format!("{row}, shared with {slug}"))?;
        }
        let (content, media_type) = if demo.pdf {
            (tiny_pdf(demo.body), "application/pdf")
        } else {
            (demo.body.as_bytes().to_vec(), "text/markdown")
        };
        first_version(&ctx, created.id, demo.filename, media_type, content)
            .await
            .for_row(format!("{row}, its file"))?;
        loaded.documents.insert(demo.filename, created.id);
    }
    Ok(())
}

/// Stores `content` as document `id`'s first version, as an upload would.
pub(super) async fn first_version(
    ctx: &crate::context::Ctx<'_>,
    id: uuid::Uuid,
    filename: &str,
    media_type: &str,
    content: Vec<u8>,
) -> crate::error::ApiResult<()> {
    let file: Result<bytes::Bytes, std::io::Error> = Ok(bytes::Bytes::from(content));
    documents::store_version(
        ctx,
        id,
        filename.to_owned(),
        Some(media_type.to_owned()),
        futures_util::stream::iter([file]),
        Some("First version"),
    )
    .await?;
    Ok(())
}

/// A valid one-page PDF showing `text` (ASCII).
fn tiny_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .take(90)
        .collect();
    let stream = format!("BT /F1 11 Tf 40 780 Td ({text}) Tj ET");
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

/// A PDF file of `objects` (numbered from 1, the first the catalogue),
/// with a correct cross-reference table. The tests build hostile PDFs
/// with it too.
pub fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
