//! Decoding an original, turning it upright, resizing it and encoding the
//! copies. Every step is deterministic (integer convolution, libwebp and
//! `image`'s encoders at fixed settings), so the same original gives the
//! same bytes on every machine.

use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use std::io::Cursor;

/// JPEG quality of the copies: photos at phone sizes show no artefacts.
const JPEG_QUALITY: u8 = 82;
/// WebP quality (libwebp's scale): about 30 % smaller than the JPEG.
const WEBP_QUALITY: f32 = 80.0;

/// Everything that decides a copy's bytes: part of the cache key, so that
/// changing any of it makes the copies again.
pub const PARAMETERS: &str =
    "tandem images 1: widths 320 640 1280, lanczos3, jpeg 82, png best, webp 80 (libwebp 1.x)";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    /// The extension of the copies in this format.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
        }
    }
}

fn decoder(bytes: &[u8], format: Format) -> Result<impl ImageDecoder + '_, String> {
    ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_decoder()
        .map_err(|e| format!("cannot be read as {}: {e}", name(format)))
}

fn name(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "a JPEG",
        Format::Png => "a PNG",
    }
}

/// Whether an EXIF orientation turns the picture by a quarter.
fn turns(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// The size a picture is shown at (its EXIF orientation applied), read
/// from its header alone.
pub fn shown_size(bytes: &[u8], format: Format) -> Result<(u32, u32), String> {
    let mut d = decoder(bytes, format)?;
    let (w, h) = d.dimensions();
    if w == 0 || h == 0 {
        return Err(format!("{} of no pixels", name(format)));
    }
    let o = d.orientation().unwrap_or(Orientation::NoTransforms);
    Ok(if turns(o) { (h, w) } else { (w, h) })
}

/// The height of the copy `w` pixels wide of a picture of `width` ×
/// `height`, rounded to the nearest pixel (at least one): the pages'
/// `height` attributes and the encoded copies use this one rule.
pub fn height_at(width: u32, height: u32, w: u32) -> u32 {
    ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}

/// One copy: (bytes in the original's format, WebP bytes).
pub type Copy = (Vec<u8>, Vec<u8>);

/// The copies at `widths`.
pub fn copies(bytes: &[u8], format: Format, widths: &[u32]) -> Result<Vec<Copy>, String> {
    let mut d = decoder(bytes, format)?;
    let orientation = d.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(d)
        .map_err(|e| format!("cannot be decoded as {}: {e}", name(format)))?;
    img.apply_orientation(orientation);
    // Photos without transparency stay RGB: a third smaller to resize
    // and to encode.
    let alpha = img.color().has_alpha() && format == Format::Png;
    let (pixels, pixel_type, channels) = if alpha {
        (img.to_rgba8().into_raw(), PixelType::U8x4, 4)
    } else {
        (img.to_rgb8().into_raw(), PixelType::U8x3, 3)
    };
    let (w, h) = (img.width(), img.height());
    drop(img);
    let src = fast_image_resize::images::ImageRef::new(w, h, &pixels, pixel_type)
        .map_err(|e| format!("cannot be resized: {e}"))?;
    let mut resizer = Resizer::new();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    let mut out = Vec::with_capacity(widths.len());
    for &dw in widths {
        let dh = height_at(w, h, dw);
        let resized: Vec<u8> = if dw == w && dh == h {
            pixels.clone()
        } else {
            let mut dst = fast_image_resize::images::Image::new(dw, dh, pixel_type);
            resizer
                .resize(&src, &mut dst, &options)
                .map_err(|e| format!("cannot be resized: {e}"))?;
            dst.into_vec()
        };
        let own = encode_own(&resized, dw, dh, format, channels)?;
        let webp = if channels == 4 {
            webp::Encoder::from_rgba(&resized, dw, dh).encode(WEBP_QUALITY)
        } else {
            webp::Encoder::from_rgb(&resized, dw, dh).encode(WEBP_QUALITY)
        };
        out.push((own, webp.to_vec()));
    }
    Ok(out)
}

fn encode_own(
    pixels: &[u8],
    w: u32,
    h: u32,
    format: Format,
    channels: u8,
) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let color = if channels == 4 {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    let r = match format {
        Format::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .write_image(pixels, w, h, color),
        Format::Png => image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(pixels, w, h, color),
    };
    r.map_err(|e| format!("cannot be encoded: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn copies_have_the_asked_widths_and_decode() {
        let bytes = jpeg(1000, 500);
        assert_eq!(shown_size(&bytes, Format::Jpeg).unwrap(), (1000, 500));
        let made = copies(&bytes, Format::Jpeg, &[320, 640, 1000]).unwrap();
        assert_eq!(made.len(), 3);
        for ((own, webp), w) in made.iter().zip([320, 640, 1000]) {
            let a = image::load_from_memory_with_format(own, ImageFormat::Jpeg).unwrap();
            let b = image::load_from_memory_with_format(webp, ImageFormat::WebP).unwrap();
            assert_eq!((a.width(), b.width()), (w, w));
            assert_eq!(a.height(), (500 * w + 500) / 1000);
        }
    }

    #[test]
    fn the_same_original_gives_the_same_bytes() {
        let bytes = jpeg(700, 300);
        assert_eq!(
            copies(&bytes, Format::Jpeg, &[320]).unwrap(),
            copies(&bytes, Format::Jpeg, &[320]).unwrap()
        );
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        let mut bytes = jpeg(64, 64);
        bytes.truncate(40);
        assert!(copies(&bytes, Format::Jpeg, &[64]).is_err());
        assert!(shown_size(b"not an image", Format::Png).is_err());
    }
}
