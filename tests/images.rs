//! Images: the JPEGs and PNGs of `static/` published in widths and as
//! WebP, with `srcset`, `width` and `height` on the pages that show them;
//! SVGs without scripts; decoding errors at the line of the field; a
//! second build that takes every copy from the cache.

mod common;
use common::{Site, select_all};

/// A JPEG of `w` × `h` pixels with some structure (so that it compresses
/// like a picture, not like a flat colour).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 251) as u8,
            (y * 3 % 241) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode a JPEG");
    out
}

/// A PNG logo with transparency.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let inside = (x / 20 + y / 20) % 2 == 0;
        image::Rgba([20, 90, 160, if inside { 255 } else { 0 }])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode a PNG");
    out
}

const SVG_WITH_SCRIPT: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 10\" width=\"160\" height=\"40\" onload=\"alert('x')\"><script>alert('y')</script><rect width=\"40\" height=\"10\" fill=\"#264\"/></svg>\n";

/// The site of these tests: a network with a large photo, a partner with
/// a PNG logo, one with an SVG logo, and a post with a Markdown image.
fn site() -> Site {
    Site::new()
        .bytes("static/bilder/werkstatt.jpg", &jpeg(2000, 1500))
        .bytes("static/logos/verein.png", &png(600, 200))
        .file("static/logos/skript.svg", SVG_WITH_SCRIPT)
        .file(
            "content/networks/netz.md",
            "---\ntitle: Netz\nimage: { src: bilder/werkstatt.jpg, alt: Menschen an Stehtischen mit Klebezetteln }\n---\nText.\n",
        )
        .file(
            "content/partners/verein.md",
            "---\ntitle: Bildungsverein\nlogo: logos/verein.png\n---\n",
        )
        .file(
            "content/partners/skript.md",
            "---\ntitle: Skriptverein\nlogo: { src: logos/skript.svg, alt: Logo des Skriptvereins }\n---\n",
        )
        .file(
            "content/posts/bericht.md",
            "---\ntitle: Bericht\ndate: 2026-10-01\n---\nSo sah es aus:\n\n![Menschen an Stehtischen](/bilder/werkstatt.jpg)\n",
        )
}

fn width_of(path: &std::path::Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

#[test]
fn photos_and_logos_are_published_in_widths_as_webp_and_in_their_format() {
    let site = site();
    site.build_out(&[]).assert_ok();
    let out = site.out();
    for w in [320, 640, 1280] {
        let h = 1500 * w / 2000;
        assert_eq!(
            width_of(&out.join(format!("bilder/werkstatt-{w}w.jpg"))),
            (w, h)
        );
        assert_eq!(
            width_of(&out.join(format!("bilder/werkstatt-{w}w.webp"))),
            (w, h)
        );
    }
    // Never wider than the original: the logo's largest copy is its own width.
    for w in [320, 600] {
        let h = (200 * w + 300) / 600;
        assert_eq!(
            width_of(&out.join(format!("logos/verein-{w}w.png"))),
            (w, h)
        );
        assert_eq!(
            width_of(&out.join(format!("logos/verein-{w}w.webp"))),
            (w, h)
        );
    }
    assert!(!out.join("logos/verein-640w.png").exists());
    assert!(!out.join("bilder/werkstatt-2000w.jpg").exists());
    // The original is published as it is, too.
    assert_eq!(width_of(&out.join("bilder/werkstatt.jpg")), (2000, 1500));
}

#[test]
fn pages_offer_srcset_width_and_height_and_load_lower_pictures_lazily() {
    let site = site();
    site.build_out(&[]).assert_ok();

    let page = site.page("networks/netz/index.html");
    let img = select_all(&page, "picture img.hero-image");
    assert_eq!(img.len(), 1);
    let img = img[0].value();
    assert_eq!(img.attr("src"), Some("/bilder/werkstatt-1280w.jpg"));
    assert_eq!(
        img.attr("srcset"),
        Some(
            "/bilder/werkstatt-320w.jpg 320w, /bilder/werkstatt-640w.jpg 640w, /bilder/werkstatt-1280w.jpg 1280w"
        )
    );
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("1280"), Some("960"))
    );
    assert_eq!(
        img.attr("alt"),
        Some("Menschen an Stehtischen mit Klebezetteln")
    );
    // The picture at the top loads at once.
    assert_eq!(img.attr("loading"), None);
    let source = select_all(&page, "picture source[type=\"image/webp\"]");
    assert_eq!(
        source[0].value().attr("srcset"),
        Some(
            "/bilder/werkstatt-320w.webp 320w, /bilder/werkstatt-640w.webp 640w, /bilder/werkstatt-1280w.webp 1280w"
        )
    );
    // Social previews get the largest copy, not the 2000-pixel original.
    let og = select_all(&page, "meta[property=\"og:image\"]");
    assert_eq!(
        og[0].value().attr("content"),
        Some("https://example.org/bilder/werkstatt-1280w.jpg")
    );

    // A logo without alt text says whose it is.
    let page = site.page("partners/verein/index.html");
    let logo = select_all(&page, "picture img.logo");
    let logo = logo[0].value();
    assert_eq!(logo.attr("alt"), Some("Bildungsverein"));
    assert_eq!(
        (logo.attr("width"), logo.attr("height")),
        (Some("600"), Some("200"))
    );

    // On the partners' cards, beside the name: a small lazy picture whose
    // alternative text would only repeat the name.
    let page = site.page("partners/index.html");
    let logo = select_all(&page, ".card-partner picture img.card-logo");
    let logo = logo[0].value();
    assert_eq!(logo.attr("alt"), Some(""));
    assert_eq!(logo.attr("loading"), Some("lazy"));
    assert_eq!(logo.attr("src"), Some("/logos/verein-600w.png"));

    // A Markdown image in the text: a lazy picture.
    let page = site.page("posts/bericht/index.html");
    let img = select_all(&page, ".prose picture img");
    let img = img[0].value();
    assert_eq!(img.attr("loading"), Some("lazy"));
    assert_eq!(img.attr("alt"), Some("Menschen an Stehtischen"));
    assert_eq!(img.attr("width"), Some("1280"));

    // An SVG logo is shown as it is.
    let page = site.page("partners/skript/index.html");
    let logo = select_all(&page, "img.logo");
    assert_eq!(logo[0].value().attr("src"), Some("/logos/skript.svg"));
}

#[test]
fn an_svg_is_published_without_its_scripts_with_a_warning() {
    let site = site();
    let run = site.build_out(&[]);
    run.assert_ok();
    let svg = site.built("logos/skript.svg");
    assert!(!svg.contains("script") && !svg.contains("onload"), "{svg}");
    assert!(
        svg.contains("<rect width=\"40\" height=\"10\" fill=\"#264\"/>"),
        "{svg}"
    );
    run.diag(
        "static/logos/skript.svg",
        1,
        Some(1),
        "warning",
        "removed the attribute `onload`, a <script> element from this SVG: it is published without them, as a script in an image would run with the site's rights",
    );
}

#[test]
fn a_broken_image_fails_at_the_line_of_the_field_that_shows_it() {
    let mut broken = jpeg(400, 300);
    broken.truncate(300);
    let site = Site::new()
        .bytes("static/bilder/kaputt.jpg", &broken)
        .file(
            "content/networks/netz.md",
            "---\ntitle: Netz\nsummary: Ein Netz.\nimage: { src: bilder/kaputt.jpg, alt: Ein Foto vom Treffen }\n---\n",
        );
    let run = site.build_out(&[]);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let e = &errors[0];
    assert_eq!((e.path.as_str(), e.line), ("content/networks/netz.md", 4));
    assert!(
        e.message
            .starts_with("image `bilder/kaputt.jpg` cannot be read as a JPEG: "),
        "{}",
        e.message
    );
    // Nothing was published.
    assert!(!site.out().exists());
}

#[test]
fn a_second_build_takes_every_copy_from_the_cache_and_writes_the_same_bytes() {
    // The site's own cache, `.tandem-cache/` beside `content/`.
    let site = site().env("TANDEM_CACHE_DIR", None);
    let first = site.out().with_file_name("first");
    let run = site.build_into(&first, &[]);
    run.assert_ok();
    assert!(
        run.stderr.contains("(2 images: 2 made, 0 from the cache)"),
        "{}",
        run.stderr
    );
    eprintln!("first build: {}", run.stderr.trim());
    let second = site.out().with_file_name("second");
    let run = site.build_into(&second, &[]);
    run.assert_ok();
    assert!(
        run.stderr.contains("(2 images: 0 made, 2 from the cache)"),
        "{}",
        run.stderr
    );
    eprintln!("second build: {}", run.stderr.trim());
    // Made again without the cache (as on another machine): the same bytes.
    std::fs::remove_dir_all(site.path(".tandem-cache")).expect("remove the cache");
    let third = site.out().with_file_name("third");
    site.build_into(&third, &[]).assert_ok();
    let a = common::Snapshot::of(&first);
    assert_eq!(a.diff(&common::Snapshot::of(&second)), "0 differences: ");
    assert_eq!(a.diff(&common::Snapshot::of(&third)), "0 differences: ");
}

#[test]
fn alternative_texts_that_say_nothing_and_huge_originals_are_warnings() {
    let site = Site::new()
        .bytes("static/bilder/a.jpg", &jpeg(64, 48))
        .bytes("static/bilder/riesig.jpg", &jpeg(6100, 8))
        .file(
            "content/networks/a.md",
            "---\ntitle: A\nimage: bilder/a.jpg\n---\n",
        )
        .file(
            "content/networks/b.md",
            "---\ntitle: B\nimage: { src: bilder/a.jpg, alt: Bild }\n---\n\n![IMG_2041.JPG](/bilder/a.jpg)\n",
        )
        .file(
            "content/networks/c.md",
            "---\ntitle: C\nimage: { src: bilder/riesig.jpg, alt: Ein langer Streifen }\n---\n",
        )
        .file(
            "content/partners/p.md",
            "---\ntitle: P\nlogo: bilder/a.jpg\n---\n",
        );
    let run = site.build_out(&[]);
    run.assert_ok();
    run.assert_findings(&[
        "content/networks/a.md:3:8: warning: the image `bilder/a.jpg` has no alternative text: write `image: { src: bilder/a.jpg, alt: … }` with what the picture shows, for those who cannot see it",
        "content/networks/b.md:3:15: warning: the image `bilder/a.jpg` has an alternative text that only says it is a picture: write `image: { src: bilder/a.jpg, alt: … }` with what the picture shows, for those who cannot see it",
        "content/networks/b.md:6:1: warning: the image `/bilder/a.jpg` has a file name as its alternative text: write `![what the picture shows](/bilder/a.jpg)`, for those who cannot see it",
        "content/networks/c.md:3:15: warning: image `bilder/riesig.jpg` is large (0.0 MB, 6100 × 8 pixels): pages get copies of at most 1280 pixels either way, but the original slows every clone and cold build; scale it to about 2500 pixels before adding it",
        "content/partners/p.md:2:1: warning: partner `p` is not referred to by any network, project, event or post: its page is reachable only from the partner list",
    ]);
}

#[test]
fn a_theme_calls_picture_for_any_file_of_static() {
    let site = Site::new()
        .bytes("static/logos/verein.png", &png(600, 200))
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{{ picture(src=\"logos/verein.png\", alt=\"Logo des Vereins\", sizes=\"10rem\", class=\"x\") }}{{ picture(src=\"https://example.com/a.png\", alt=\"Fremd\") }}{% endblock content %}",
        )
        .file("content/ueber.md", "---\ntitle: Über uns\n---\n");
    site.build_out(&[]).assert_ok();
    let page = site.page("ueber/index.html");
    let img = select_all(&page, "picture img.x");
    let img = img[0].value();
    assert_eq!(
        img.attr("srcset"),
        Some("/logos/verein-320w.png 320w, /logos/verein-600w.png 600w")
    );
    assert_eq!(img.attr("sizes"), Some("10rem"));
    assert_eq!(img.attr("loading"), Some("lazy"));
    let plain = select_all(&page, "img[alt=\"Fremd\"]");
    assert_eq!(
        plain[0].value().attr("src"),
        Some("https://example.com/a.png")
    );
}

/// The progress bar: drawn on a terminal, never into a pipe or with
/// `NO_COLOR`. `script` (util-linux, on every Debian) gives the build a
/// terminal.
#[test]
fn a_terminal_sees_the_progress_of_images_and_a_pipe_does_not() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("TANDEM_REQUIRE_BROWSER").is_none(),
            "`script` (util-linux) is needed for this test in CI"
        );
        eprintln!("skipped: no `script` to give the build a terminal");
        return;
    }
    let site = site();
    let on_terminal = |no_color: bool, cache: &str| {
        let command = format!(
            "{} build --root {} --output {}",
            env!("CARGO_BIN_EXE_tandem"),
            site.root().display(),
            site.out().with_file_name(cache).display()
        );
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env("SOURCE_DATE_EPOCH", common::EPOCH)
            .env(
                "TANDEM_CACHE_DIR",
                site.out().with_file_name(format!("{cache}-cache")),
            )
            .env_remove("CI")
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().expect("run script");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal(false, "a");
    assert!(shown.contains(" images ["), "{shown:?}");
    let quiet = on_terminal(true, "b");
    assert!(!quiet.contains(" images ["), "{quiet:?}");
    // Piped (as every other test runs it): only the findings and the summary.
    let run = site.env("TANDEM_CACHE_DIR", None).build_out(&[]);
    assert!(!run.stderr.contains(" images ["), "{}", run.stderr);
}
