// places.js - the prefectures of Japan (ISO 3166-2:JP) with their names and
// regions, as the hub knows them (common/prefecture.c), for the events view
// and the post form.

export const PREFECTURES = [
  ['JP-01', '北海道', 'Hokkaido', 'hokkaido'],
  ['JP-02', '青森県', 'Aomori', 'tohoku'],
  ['JP-03', '岩手県', 'Iwate', 'tohoku'],
  ['JP-04', '宮城県', 'Miyagi', 'tohoku'],
  ['JP-05', '秋田県', 'Akita', 'tohoku'],
  ['JP-06', '山形県', 'Yamagata', 'tohoku'],
  ['JP-07', '福島県', 'Fukushima', 'tohoku'],
  ['JP-08', '茨城県', 'Ibaraki', 'kanto'],
  ['JP-09', '栃木県', 'Tochigi', 'kanto'],
  ['JP-10', '群馬県', 'Gunma', 'kanto'],
  ['JP-11', '埼玉県', 'Saitama', 'kanto'],
  ['JP-12', '千葉県', 'Chiba', 'kanto'],
  ['JP-13', '東京都', 'Tokyo', 'kanto'],
  ['JP-14', '神奈川県', 'Kanagawa', 'kanto'],
  ['JP-15', '新潟県', 'Niigata', 'chubu'],
  ['JP-16', '富山県', 'Toyama', 'chubu'],
  ['JP-17', '石川県', 'Ishikawa', 'chubu'],
  ['JP-18', '福井県', 'Fukui', 'chubu'],
  ['JP-19', '山梨県', 'Yamanashi', 'chubu'],
  ['JP-20', '長野県', 'Nagano', 'chubu'],
  ['JP-21', '岐阜県', 'Gifu', 'chubu'],
  ['JP-22', '静岡県', 'Shizuoka', 'chubu'],
  ['JP-23', '愛知県', 'Aichi', 'chubu'],
  ['JP-24', '三重県', 'Mie', 'kinki'],
  ['JP-25', '滋賀県', 'Shiga', 'kinki'],
  ['JP-26', '京都府', 'Kyoto', 'kinki'],
  ['JP-27', '大阪府', 'Osaka', 'kinki'],
  ['JP-28', '兵庫県', 'Hyogo', 'kinki'],
  ['JP-29', '奈良県', 'Nara', 'kinki'],
  ['JP-30', '和歌山県', 'Wakayama', 'kinki'],
  ['JP-31', '鳥取県', 'Tottori', 'chugoku'],
  ['JP-32', '島根県', 'Shimane', 'chugoku'],
  ['JP-33', '岡山県', 'Okayama', 'chugoku'],
  ['JP-34', '広島県', 'Hiroshima', 'chugoku'],
  ['JP-35', '山口県', 'Yamaguchi', 'chugoku'],
  ['JP-36', '徳島県', 'Tokushima', 'shikoku'],
  ['JP-37', '香川県', 'Kagawa', 'shikoku'],
  ['JP-38', '愛媛県', 'Ehime', 'shikoku'],
  ['JP-39', '高知県', 'Kochi', 'shikoku'],
  ['JP-40', '福岡県', 'Fukuoka', 'kyushu-okinawa'],
  ['JP-41', '佐賀県', 'Saga', 'kyushu-okinawa'],
  ['JP-42', '長崎県', 'Nagasaki', 'kyushu-okinawa'],
  ['JP-43', '熊本県', 'Kumamoto', 'kyushu-okinawa'],
  ['JP-44', '大分県', 'Oita', 'kyushu-okinawa'],
  ['JP-45', '宮崎県', 'Miyazaki', 'kyushu-okinawa'],
  ['JP-46', '鹿児島県', 'Kagoshima', 'kyushu-okinawa'],
  ['JP-47', '沖縄県', 'Okinawa', 'kyushu-okinawa'],
];

export const REGIONS = ['hokkaido', 'tohoku', 'kanto', 'chubu', 'kinki', 'chugoku', 'shikoku',
  'kyushu-okinawa'];

const BY_CODE = new Map(PREFECTURES.map((p) => [p[0], p]));

export const PREFECTURE_RE = /^JP-(0[1-9]|[1-3][0-9]|4[0-7])$/;

// The name of a prefecture code in lang ('ja' or 'en'); the code itself when unknown.
export function prefectureName(code, lang) {
  const p = BY_CODE.get(code);
  if (!p) return String(code);
  return lang === 'ja' ? p[1] : p[2];
}
