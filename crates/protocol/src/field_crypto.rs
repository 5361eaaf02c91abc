//! Sensitive-field encryption: 16-character IV + base64(AES-CBC-PKCS5(plaintext)) [KG §7].
//!
//! encryptType 1 is AES-256 (the default), 2 is AES-128. The key is derived from the access key the way Huawei's
//! Java sample does it: `KeyGenerator.getInstance("AES").init(bits, SecureRandom("SHA1PRNG") seeded with
//! accessKey.getBytes())`, so the key is the first 16 or 32 bytes of Sun's SHA1PRNG stream. That generator is
//! reproduced here exactly: state = SHA-1(seed); each 20-byte block of output = SHA-1(state), after which
//! state = state + output + 1 byte by byte with Java's signed-byte carry (see [`Sha1Prng`]).

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rand::Rng;
use sha1::{Digest, Sha1};

/// The length of the IV prefix, in characters (and bytes: it is ASCII).
pub const IV_LEN: usize = 16;

/// Which AES variant a field is encrypted with (the `encryptType` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncryptType {
    /// `1`: AES-256-CBC, the default.
    Aes256,
    /// `2`: AES-128-CBC.
    Aes128,
}

impl EncryptType {
    pub fn from_code(code: u8) -> Option<EncryptType> {
        match code {
            1 => Some(EncryptType::Aes256),
            2 => Some(EncryptType::Aes128),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            EncryptType::Aes256 => 1,
            EncryptType::Aes128 => 2,
        }
    }

    pub fn key_len(self) -> usize {
        match self {
            EncryptType::Aes256 => 32,
            EncryptType::Aes128 => 16,
        }
    }
}

/// Why a field did not decrypt. Messages never include the key or the plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldCryptoError {
    #[error("an encrypted field starts with a 16-character IV; this one is {0} characters long")]
    TooShort(usize),
    #[error("the IV must be 16 ASCII characters")]
    BadIv,
    #[error("the ciphertext after the IV is not base64")]
    NotBase64,
    #[error("the field does not decrypt with this key (bad padding): wrong key or encryptType")]
    BadPadding,
    #[error("the decrypted field is not UTF-8")]
    NotUtf8,
}

/// Sun's `sun.security.provider.SecureRandom` ("SHA1PRNG"), seeded once before use.
pub struct Sha1Prng {
    state: [u8; 20],
    remainder: [u8; 20],
    rem_count: usize,
}

impl Sha1Prng {
    /// `setSeed(seed)` on a fresh instance: state = SHA-1(seed).
    pub fn seeded(seed: &[u8]) -> Sha1Prng {
        Sha1Prng { state: Sha1::digest(seed).into(), remainder: [0; 20], rem_count: 0 }
    }

    /// `nextBytes(out)`.
    pub fn next_bytes(&mut self, out: &mut [u8]) {
        let mut index = 0;
        // Use what is left of the last block first.
        if self.rem_count > 0 {
            let take = (20 - self.rem_count).min(out.len());
            out[..take].copy_from_slice(&self.remainder[self.rem_count..self.rem_count + take]);
            self.rem_count = (self.rem_count + take) % 20;
            index = take;
        }
        while index < out.len() {
            let output: [u8; 20] = Sha1::digest(self.state).into();
            self.update_state(&output);
            let take = (out.len() - index).min(20);
            out[index..index + take].copy_from_slice(&output[..take]);
            index += take;
            self.remainder = output;
            self.rem_count = take % 20;
        }
    }

    /// `updateState`: state += output + 1 as a little-endian number, in Java's signed bytes, and at least one
    /// bit must change.
    fn update_state(&mut self, output: &[u8; 20]) {
        let mut last: i32 = 1;
        let mut changed = false;
        for (s, o) in self.state.iter_mut().zip(output) {
            let v = i32::from(*s as i8) + i32::from(*o as i8) + last;
            let t = v as u8;
            changed |= *s != t;
            *s = t;
            last = v >> 8;
        }
        if !changed {
            self.state[0] = self.state[0].wrapping_add(1);
        }
    }
}

/// The AES key Java derives from an access key.
pub fn derive_key(access_key: &str, kind: EncryptType) -> Vec<u8> {
    let mut key = vec![0u8; kind.key_len()];
    Sha1Prng::seeded(access_key.as_bytes()).next_bytes(&mut key);
    key
}

/// A random IV of 16 alphanumeric characters, as the Java sample makes them.
pub fn random_iv() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..IV_LEN).map(|_| char::from(ALNUM[rng.gen_range(0..ALNUM.len())])).collect()
}

/// Encrypts with a given IV (16 ASCII characters): `iv + base64(ciphertext)`.
pub fn encrypt_with_iv(
    access_key: &str,
    kind: EncryptType,
    iv: &str,
    plaintext: &str,
) -> Result<String, FieldCryptoError> {
    let iv_bytes: [u8; IV_LEN] = iv.as_bytes().try_into().map_err(|_| FieldCryptoError::BadIv)?;
    let key = derive_key(access_key, kind);
    let ct = match kind {
        EncryptType::Aes256 => cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv_bytes)
            .map_err(|_| FieldCryptoError::BadIv)?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes()),
        EncryptType::Aes128 => cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &iv_bytes)
            .map_err(|_| FieldCryptoError::BadIv)?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes()),
    };
    Ok(format!("{iv}{}", BASE64.encode(ct)))
}

/// Encrypts with a fresh random IV.
pub fn encrypt(access_key: &str, kind: EncryptType, plaintext: &str) -> String {
    let iv = random_iv();
    // A generated IV is always 16 ASCII characters.
    encrypt_with_iv(access_key, kind, &iv, plaintext).unwrap_or_else(|_| unreachable!("generated IVs are valid"))
}

/// Decrypts `iv + base64(ciphertext)`.
pub fn decrypt(access_key: &str, kind: EncryptType, field: &str) -> Result<String, FieldCryptoError> {
    if field.len() < IV_LEN || !field.is_char_boundary(IV_LEN) {
        return Err(FieldCryptoError::TooShort(field.chars().count()));
    }
    let (iv, b64) = field.split_at(IV_LEN);
    let iv_bytes: [u8; IV_LEN] = iv.as_bytes().try_into().map_err(|_| FieldCryptoError::BadIv)?;
    let ct = BASE64.decode(b64.trim()).map_err(|_| FieldCryptoError::NotBase64)?;
    let key = derive_key(access_key, kind);
    let pt = match kind {
        EncryptType::Aes256 => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv_bytes)
            .map_err(|_| FieldCryptoError::BadIv)?
            .decrypt_padded_vec_mut::<Pkcs7>(&ct),
        EncryptType::Aes128 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv_bytes)
            .map_err(|_| FieldCryptoError::BadIv)?
            .decrypt_padded_vec_mut::<Pkcs7>(&ct),
    }
    .map_err(|_| FieldCryptoError::BadPadding)?;
    String::from_utf8(pt).map_err(|_| FieldCryptoError::NotUtf8)
}
