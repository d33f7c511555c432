// i18n.js - the page's labels in Japanese and English.
//
// The language starts from navigator.language (Japanese for ja-*, English
// otherwise) unless the reader chose one with the switch; that choice (the
// language code, nothing else) is kept in localStorage. t() returns plain
// strings that the page only ever puts into text nodes.

const LANG_KEY = 'kairan.lang';

const en = {
  'app.title': 'kairan — circulating what security communities know',
  'app.tagline': 'Threat reports, alerts and regional events of your circles',
  'nav.alerts': 'Alerts',
  'nav.reports': 'Reports',
  'nav.post': 'Post',
  'nav.events': 'Events',
  'nav.moderation': 'Moderation',
  'nav.label': 'Views',
  'signout': 'Sign out',
  'lang.other': '日本語',
  'lang.switch': 'Switch the page to Japanese',
  'status.live': 'live',
  'status.connecting': 'connecting…',
  'status.offline': 'offline — reconnecting',
  'status.anonymous': 'public view',
  'noscript': 'This page needs JavaScript.',

  'signin.title': 'Sign in',
  'signin.token': 'Access token',
  'signin.help': 'Paste the token your hub administrator gave you (on the demo hub: a file in demo-data/demo-tokens/). It stays in this tab’s session storage only and is forgotten when the tab closes.',
  'signin.submit': 'Sign in',
  'signin.working': 'Signing in…',
  'signin.failed': 'Sign-in failed: {message}',
  'signin.public': 'Browse public events without signing in',
  'signin.expired': 'You were signed out: {message}',
  'who': '{user} · {org}',

  'alerts.title': 'Live alerts',
  'alerts.help': 'Alerts of all your circles, newest first. New ones appear as soon as they are published.',
  'alerts.minSeverity': 'Minimum severity',
  'alerts.any': 'any',
  'alerts.empty': 'No alerts at this severity yet. New ones appear here as they are published.',
  'alerts.new': 'new',

  'reports.title': 'Reports',
  'reports.circle': 'Circle',
  'reports.kind': 'Kind',
  'reports.allKinds': 'all kinds',
  'reports.empty': 'Nothing here yet.',
  'reports.newest': 'The newest {n} items.',
  'reports.noCircles': 'You are in no circle yet.',

  'item.notAllowed': 'Not allowed: you may not read this item.',
  'item.notFound': 'Not found: there is no such item.',
  'item.loading': 'Loading…',
  'item.back': 'Back to the reports',
  'item.pseudonym': 'Posted as',
  'item.profile': 'Sender profile',
  'item.created': 'Created',
  'item.circle': 'Circle',
  'item.status': 'Status',
  'item.kind': 'Kind',
  'item.indicators': 'Indicators',
  'item.noIndicators': 'none',
  'item.tags': 'Tags',
  'item.body': 'Text',
  'item.benign': 'known benign: {reason}',
  'item.alsoIn': 'also in {n} other items',
  'item.forwardedFrom': 'Forwarded copy of {id}',
  'item.recipients': 'Recipients',
  'item.authorOrg': 'Organisation (for moderators)',
  'item.type': 'Type',
  'item.value': 'Value',
  'item.role': 'Role',
  'item.geo': 'Where',
  'item.tlpHelp': 'Traffic Light Protocol label: share only as it allows.',

  'alert.severity': 'Severity',
  'alert.references': 'References',
  'alert.products': 'Affected products',
  'alert.action': 'Recommended action',

  'practice.directive': 'Directive',
  'practice.directiveN': 'Directive {n}',
  'practice.industry': 'Industry',
  'practice.size': 'Company size',
  'practice.readers': 'For',
  'practice.level': 'Level',
  'practice.situation': 'Situation',
  'practice.steps': 'Steps',
  'practice.outcome': 'Outcome',
  'practice.references': 'References',

  'event.when': 'When',
  'event.start': 'Starts',
  'event.end': 'Ends',
  'event.prefecture': 'Prefecture',
  'event.venue': 'Venue',
  'event.audience': 'Audience',
  'event.capacity': 'Seats',
  'event.unlimited': 'no limit',
  'event.fee': 'Fee',
  'event.cpe': 'CPE credits',
  'event.organizer': 'Organiser',
  'event.contact': 'Contact',
  'event.language': 'Language',
  'event.deadline': 'Registration closes',
  'event.status': 'Status',
  'event.cancelReason': 'Reason',
  'event.timezone': 'Time zone',

  'events.title': 'Events',
  'events.help': 'Study groups and seminars by prefecture. Answer to take a seat; beyond the capacity you join the waitlist.',
  'events.region': 'Where',
  'events.near': 'near me',
  'events.all': 'all regions',
  'events.audienceAny': 'any audience',
  'events.guessed': 'Showing events near you ({place}), guessed from your address. Choose a prefecture to look elsewhere.',
  'events.calendar': 'Calendar feed (iCalendar)',
  'events.calendarHelp': 'Subscribe your calendar app to this address. Calendar apps read it without signing in: it holds the public (TLP:CLEAR) events.',
  'events.attending': '{n} attending',
  'events.ofCapacity': '{n} of {capacity} seats taken',
  'events.waitlisted': '{n} on the waitlist',
  'events.rsvp': 'Attend',
  'events.cancelRsvp': 'Cancel my answer',
  'events.empty': 'No events here.',
  'events.resources': 'Help in this prefecture',
  'events.ics': 'Add to calendar (.ics)',
  'events.signinToRsvp': 'Sign in to answer.',
  'events.cancelled': 'Cancelled',
  'rsvp.attending': 'You are attending.',
  'rsvp.waitlisted': 'You are on the waitlist (no. {position}).',
  'rsvp.none': 'You have not answered.',

  'post.title': 'Post',
  'post.help': 'Before anything is stored, the hub removes what identifies your organisation. Preview first: you see exactly what recipients will see, and what was removed.',
  'post.circle': 'Circle',
  'post.kind': 'Kind',
  'post.tlp': 'TLP',
  'post.titleField': 'Title',
  'post.body': 'Text',
  'post.tags': 'Tags (comma-separated)',
  'post.indicators': 'Indicators, one per line: type value [role]',
  'post.indicatorsHint': 'e.g. “ipv4 198.51.100.7 attacker”. Types: ipv4 ipv6 cidr domain url email md5 sha1 sha256 sha512 cve asn; roles: attacker victim unknown.',
  'post.recipients': 'Recipients (TLP:RED only): user names, comma-separated',
  'post.severity': 'Severity',
  'post.action': 'Recommended action',
  'post.references': 'References (one per line)',
  'post.products': 'Affected products (one per line)',
  'post.eventStart': 'Starts (local time)',
  'post.eventEnd': 'Ends (local time)',
  'post.capacity': 'Seats (0: no limit)',
  'post.cpe': 'CPE credits',
  'post.readers': 'For',
  'post.preview': 'Preview',
  'post.previewing': 'Asking the hub…',
  'post.confirm': 'Confirm and post',
  'post.posting': 'Posting…',
  'post.previewTitle': 'Preview — nothing is stored yet',
  'post.yourText': 'What you wrote: the highlighted parts will be removed',
  'post.recipientsSee': 'What recipients will see',
  'post.removedList': 'Removed by the anonymiser',
  'post.removedKind': 'What',
  'post.removedField': 'Where',
  'post.removedText': 'Removed text',
  'post.removedIndicator': 'indicator {n}',
  'post.nothingRemoved': 'Nothing identifying was found.',
  'post.posted': 'Posted {id} ({status}).',
  'post.open': 'Open it',
  'post.pending': 'It waits for the circle’s moderators before anyone else sees it.',
  'post.changed': 'The form changed after the preview: preview again before posting.',
  'post.badIndicator': 'Indicator line {n}: write “type value [role]”.',
  'post.noCircle': 'You may post in none of your circles.',
  'post.another': 'Write another',

  'moderation.title': 'Moderation queue',
  'moderation.help': 'Items held for review in the circles you moderate. Nobody but their author sees them until you approve.',
  'moderation.empty': 'Nothing waits for review.',
  'moderation.approve': 'Approve',
  'moderation.reject': 'Reject',
  'moderation.reason': 'Reason (the author is told)',
  'moderation.done': '{id}: {status}.',
  'moderation.none': 'You moderate no circle.',

  'notice.moderation': 'A moderator decided on your item {id}: {status}.',
  'notice.event_updated': 'Event updated: {title}',
  'notice.event_cancelled': 'Event cancelled: {title}',
  'notice.rsvp_promoted': 'A seat came free for you: {title}',
  'notice.event_reminder': 'Reminder: {title} starts soon',
  'notice.permission_request': 'Someone asked you to share one of your items wider (kairan requests).',
  'notice.permission_decision': 'Your request was answered: {status}.',
  'retracted': 'An item was withdrawn by its author.',

  'error.generic': '{code}: {message}',
  'error.offline': 'Not connected to the hub.',
  'error.timeout': 'The hub did not answer in time.',
  'none': '—',

  'kind.threat': 'Threat report', 'kind.practice': 'Practice', 'kind.alert': 'Alert', 'kind.event': 'Event',
  'severity.info': 'Info', 'severity.low': 'Low', 'severity.medium': 'Medium', 'severity.high': 'High', 'severity.critical': 'Critical',
  'status.published': 'published', 'status.pending': 'pending review', 'status.rejected': 'rejected', 'status.retracted': 'retracted',
  'estatus.scheduled': 'scheduled', 'estatus.cancelled': 'cancelled',
  'audience.technical': 'technical', 'audience.executive': 'executive', 'audience.mixed': 'technical and executive',
  'readers.executives': 'executives', 'readers.ciso': 'CISO', 'readers.staff': 'staff',
  'irole.attacker': 'attacker', 'irole.victim': 'victim', 'irole.unknown': 'unknown',
  'role.member': 'member', 'role.moderator': 'moderator', 'role.organizer': 'organiser', 'role.observer': 'observer',
  'industry.agriculture': 'agriculture, forestry, fisheries', 'industry.construction': 'construction',
  'industry.manufacturing': 'manufacturing', 'industry.energy': 'electricity, gas, heat, water',
  'industry.it-telecom': 'information and communications', 'industry.transport': 'transport and postal',
  'industry.retail': 'wholesale and retail', 'industry.finance': 'finance and insurance',
  'industry.real-estate': 'real estate and leasing', 'industry.services': 'services',
  'industry.hospitality': 'accommodation, food services', 'industry.healthcare': 'medical, health care, welfare',
  'industry.education': 'education, learning support', 'industry.government': 'government', 'industry.other': 'other',
  'rkind.consultation': 'consultation desk', 'rkind.dispatch': 'expert dispatch', 'rkind.police': 'police',
  'rkind.university': 'university', 'rkind.other': 'other',
  'redaction.org-name': 'organisation name', 'redaction.domain': 'domain', 'redaction.person': 'person',
  'redaction.email': 'e-mail address', 'redaction.phone': 'phone number', 'redaction.postcode': 'postal code',
  'redaction.internal-ip': 'internal address', 'redaction.url': 'internal URL',
  'redaction.victim-indicator': 'victim-side indicator', 'redaction.own-indicator': 'your own indicator',
  'redaction.custom': 'circle pattern {name}',
  'field.title': 'title', 'field.body': 'text', 'field.indicators': 'indicators', 'field.tags': 'tags',
  'field.references': 'references', 'field.affected_products': 'affected products',
  'field.recommended_action': 'recommended action', 'field.situation': 'situation', 'field.steps': 'steps',
  'field.outcome': 'outcome', 'field.venue': 'venue', 'field.organizer': 'organiser', 'field.contact': 'contact',
  'field.fee': 'fee', 'field.cancel_reason': 'cancellation reason',
  'region.hokkaido': 'Hokkaido', 'region.tohoku': 'Tohoku', 'region.kanto': 'Kanto', 'region.chubu': 'Chubu',
  'region.kinki': 'Kinki', 'region.chugoku': 'Chugoku', 'region.shikoku': 'Shikoku',
  'region.kyushu-okinawa': 'Kyushu and Okinawa',
  'place.online': 'online',
};

const ja = {
  'app.title': 'kairan 回覧 — セキュリティ情報の回覧板',
  'app.tagline': '所属サークルの脅威情報・アラート・地域イベント',
  'nav.alerts': 'アラート',
  'nav.reports': 'レポート',
  'nav.post': '投稿',
  'nav.events': 'イベント',
  'nav.moderation': '審査',
  'nav.label': '画面',
  'signout': 'サインアウト',
  'lang.other': 'English',
  'lang.switch': '表示を英語に切り替える',
  'status.live': '接続中',
  'status.connecting': '接続しています…',
  'status.offline': '切断 — 再接続しています',
  'status.anonymous': '公開情報のみ',
  'noscript': 'このページには JavaScript が必要です。',

  'signin.title': 'サインイン',
  'signin.token': 'アクセストークン',
  'signin.help': 'ハブの管理者から受け取ったトークンを貼り付けてください（デモのハブでは demo-data/demo-tokens/ のファイル）。トークンはこのタブのセッションストレージにだけ保存され、タブを閉じると消えます。',
  'signin.submit': 'サインイン',
  'signin.working': 'サインインしています…',
  'signin.failed': 'サインインできませんでした: {message}',
  'signin.public': 'サインインせずに公開イベントを見る',
  'signin.expired': 'サインアウトされました: {message}',
  'who': '{user} · {org}',

  'alerts.title': 'アラート（リアルタイム）',
  'alerts.help': '所属するすべてのサークルのアラートを新しい順に表示します。公開されるとすぐにここに届きます。',
  'alerts.minSeverity': '重要度（以上）',
  'alerts.any': 'すべて',
  'alerts.empty': 'この重要度のアラートはまだありません。公開されるとここに表示されます。',
  'alerts.new': '新着',

  'reports.title': 'レポート',
  'reports.circle': 'サークル',
  'reports.kind': '種類',
  'reports.allKinds': 'すべての種類',
  'reports.empty': 'まだ何もありません。',
  'reports.newest': '新しい {n} 件を表示しています。',
  'reports.noCircles': 'まだどのサークルにも所属していません。',

  'item.notAllowed': '閲覧は許可されていません（not allowed）。',
  'item.notFound': '見つかりません。該当する項目はありません。',
  'item.loading': '読み込んでいます…',
  'item.back': 'レポート一覧へ戻る',
  'item.pseudonym': '投稿者（仮名）',
  'item.profile': '投稿組織の属性',
  'item.created': '作成日時',
  'item.circle': 'サークル',
  'item.status': '状態',
  'item.kind': '種類',
  'item.indicators': '指標（IOC）',
  'item.noIndicators': 'なし',
  'item.tags': 'タグ',
  'item.body': '本文',
  'item.benign': '既知の無害値: {reason}',
  'item.alsoIn': '他の {n} 件にも出現',
  'item.forwardedFrom': '{id} の転送コピー',
  'item.recipients': '受信者',
  'item.authorOrg': '投稿組織（審査担当のみ）',
  'item.type': '種別',
  'item.value': '値',
  'item.role': '役割',
  'item.geo': '所在',
  'item.tlpHelp': 'TLP（Traffic Light Protocol）: この範囲内でのみ共有してください。',

  'alert.severity': '重要度',
  'alert.references': '参考情報',
  'alert.products': '影響を受ける製品',
  'alert.action': '推奨される対応',

  'practice.directive': '指示',
  'practice.directiveN': '指示{n}',
  'practice.industry': '業種',
  'practice.size': '企業規模',
  'practice.readers': '対象読者',
  'practice.level': 'レベル',
  'practice.situation': '状況',
  'practice.steps': '取組',
  'practice.outcome': '成果',
  'practice.references': '参考情報',

  'event.when': '日時',
  'event.start': '開始',
  'event.end': '終了',
  'event.prefecture': '都道府県',
  'event.venue': '会場',
  'event.audience': '対象',
  'event.capacity': '定員',
  'event.unlimited': '制限なし',
  'event.fee': '参加費',
  'event.cpe': 'CPE単位',
  'event.organizer': '主催',
  'event.contact': '連絡先',
  'event.language': '言語',
  'event.deadline': '申込締切',
  'event.status': '状態',
  'event.cancelReason': '理由',
  'event.timezone': 'タイムゾーン',

  'events.title': 'イベント',
  'events.help': '都道府県ごとの勉強会・セミナーです。参加を申し込むと席が確保され、定員を超えるとキャンセル待ちになります。',
  'events.region': '地域',
  'events.near': '現在地の近く',
  'events.all': 'すべての地域',
  'events.audienceAny': 'すべての対象',
  'events.guessed': '接続元から推定した地域（{place}）のイベントを表示しています。ほかの地域は都道府県を選んでください。',
  'events.calendar': 'カレンダー配信（iCalendar）',
  'events.calendarHelp': 'カレンダーアプリでこのアドレスを購読できます。サインインなしで読めるのは公開（TLP:CLEAR）イベントです。',
  'events.attending': '参加 {n} 名',
  'events.ofCapacity': '定員 {capacity} 名中 {n} 名参加',
  'events.waitlisted': 'キャンセル待ち {n} 名',
  'events.rsvp': '参加する',
  'events.cancelRsvp': '参加を取り消す',
  'events.empty': 'この地域のイベントはありません。',
  'events.resources': 'この地域の相談窓口',
  'events.ics': 'カレンダーに追加（.ics）',
  'events.signinToRsvp': '参加の申し込みにはサインインしてください。',
  'events.cancelled': '中止',
  'rsvp.attending': '参加予定です。',
  'rsvp.waitlisted': 'キャンセル待ちです（{position} 番目）。',
  'rsvp.none': 'まだ申し込んでいません。',

  'post.title': '投稿',
  'post.help': '保存する前に、ハブが組織を特定できる情報を削除します。まずプレビューで、受信者に表示される内容と削除される情報を確認してください。',
  'post.circle': 'サークル',
  'post.kind': '種類',
  'post.tlp': 'TLP',
  'post.titleField': 'タイトル',
  'post.body': '本文',
  'post.tags': 'タグ（カンマ区切り）',
  'post.indicators': '指標（1行に1つ: 種別 値 [役割]）',
  'post.indicatorsHint': '例: 「ipv4 198.51.100.7 attacker」。種別: ipv4 ipv6 cidr domain url email md5 sha1 sha256 sha512 cve asn、役割: attacker victim unknown。',
  'post.recipients': '受信者（TLP:RED のみ）: ユーザー名をカンマ区切りで',
  'post.severity': '重要度',
  'post.action': '推奨される対応',
  'post.references': '参考情報（1行に1つ）',
  'post.products': '影響を受ける製品（1行に1つ）',
  'post.eventStart': '開始（現地時刻）',
  'post.eventEnd': '終了（現地時刻）',
  'post.capacity': '定員（0: 制限なし）',
  'post.cpe': 'CPE単位',
  'post.readers': '対象読者',
  'post.preview': 'プレビュー',
  'post.previewing': 'ハブに問い合わせています…',
  'post.confirm': '確認して投稿',
  'post.posting': '投稿しています…',
  'post.previewTitle': 'プレビュー（まだ保存されていません）',
  'post.yourText': '入力内容: ハイライト部分は削除されます',
  'post.recipientsSee': '受信者に表示される内容',
  'post.removedList': '匿名化で削除される情報',
  'post.removedKind': '種類',
  'post.removedField': '場所',
  'post.removedText': '削除される文字列',
  'post.removedIndicator': '指標 {n}',
  'post.nothingRemoved': '削除対象は見つかりませんでした。',
  'post.posted': '{id} を投稿しました（{status}）。',
  'post.open': '開く',
  'post.pending': '事務局の審査が終わるまで、ほかの人には表示されません。',
  'post.changed': 'プレビュー後に内容が変更されました。投稿する前にもう一度プレビューしてください。',
  'post.badIndicator': '指標の {n} 行目: 「種別 値 [役割]」の形で書いてください。',
  'post.noCircle': '投稿できるサークルがありません。',
  'post.another': '続けて投稿する',

  'moderation.title': '審査待ち',
  'moderation.help': '審査を担当するサークルで保留中の投稿です。承認するまで投稿者以外には表示されません。',
  'moderation.empty': '審査待ちの投稿はありません。',
  'moderation.approve': '承認',
  'moderation.reject': '却下',
  'moderation.reason': '理由（投稿者に通知されます）',
  'moderation.done': '{id}: {status}',
  'moderation.none': '審査を担当するサークルはありません。',

  'notice.moderation': 'あなたの投稿 {id} が審査されました: {status}',
  'notice.event_updated': 'イベントが変更されました: {title}',
  'notice.event_cancelled': 'イベントが中止されました: {title}',
  'notice.rsvp_promoted': '席が空き、参加が確定しました: {title}',
  'notice.event_reminder': 'まもなく開始: {title}',
  'notice.permission_request': 'あなたの投稿の共有範囲の拡大が依頼されました（kairan requests）。',
  'notice.permission_decision': '依頼への回答: {status}',
  'retracted': '投稿者が項目を取り下げました。',

  'error.generic': '{code}: {message}',
  'error.offline': 'ハブに接続していません。',
  'error.timeout': 'ハブから時間内に応答がありませんでした。',
  'none': '—',

  'kind.threat': '脅威情報', 'kind.practice': '取組事例', 'kind.alert': 'アラート', 'kind.event': 'イベント',
  'severity.info': '情報', 'severity.low': '低', 'severity.medium': '中', 'severity.high': '高', 'severity.critical': '緊急',
  'status.published': '公開', 'status.pending': '審査待ち', 'status.rejected': '却下', 'status.retracted': '取り下げ',
  'estatus.scheduled': '開催予定', 'estatus.cancelled': '中止',
  'audience.technical': '技術者向け', 'audience.executive': '経営層向け', 'audience.mixed': '技術者・経営層',
  'readers.executives': '経営層', 'readers.ciso': 'CISO', 'readers.staff': '担当者',
  'irole.attacker': '攻撃者側', 'irole.victim': '被害者側', 'irole.unknown': '不明',
  'role.member': 'メンバー', 'role.moderator': '事務局', 'role.organizer': '主催者', 'role.observer': '閲覧のみ',
  'industry.agriculture': '農林水産業', 'industry.construction': '建設業', 'industry.manufacturing': '製造業',
  'industry.energy': '電気・ガス・熱供給・水道業', 'industry.it-telecom': '情報通信業',
  'industry.transport': '運輸業・郵便業', 'industry.retail': '卸売業・小売業', 'industry.finance': '金融業・保険業',
  'industry.real-estate': '不動産業・物品賃貸業', 'industry.services': 'サービス業',
  'industry.hospitality': '宿泊業・飲食サービス業', 'industry.healthcare': '医療・福祉',
  'industry.education': '教育・学習支援業', 'industry.government': '公務', 'industry.other': 'その他',
  'rkind.consultation': '相談窓口', 'rkind.dispatch': '専門家派遣', 'rkind.police': '警察', 'rkind.university': '大学',
  'rkind.other': 'その他',
  'redaction.org-name': '組織名', 'redaction.domain': 'ドメイン', 'redaction.person': '人名',
  'redaction.email': 'メールアドレス', 'redaction.phone': '電話番号', 'redaction.postcode': '郵便番号',
  'redaction.internal-ip': '内部アドレス', 'redaction.url': '内部URL',
  'redaction.victim-indicator': '被害者側の指標', 'redaction.own-indicator': '自組織の指標',
  'redaction.custom': 'サークルのパターン {name}',
  'field.title': 'タイトル', 'field.body': '本文', 'field.indicators': '指標', 'field.tags': 'タグ',
  'field.references': '参考情報', 'field.affected_products': '影響製品', 'field.recommended_action': '推奨対応',
  'field.situation': '状況', 'field.steps': '取組', 'field.outcome': '成果', 'field.venue': '会場',
  'field.organizer': '主催', 'field.contact': '連絡先', 'field.fee': '参加費', 'field.cancel_reason': '中止理由',
  'region.hokkaido': '北海道', 'region.tohoku': '東北', 'region.kanto': '関東', 'region.chubu': '中部',
  'region.kinki': '近畿', 'region.chugoku': '中国', 'region.shikoku': '四国', 'region.kyushu-okinawa': '九州・沖縄',
  'place.online': 'オンライン',
};

const DICTS = { en, ja };
const listeners = new Set();

function initial() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(LANG_KEY);
  } catch (e) {
    saved = null; // storage may be disabled: fall back to the browser's language
  }
  if (saved === 'ja' || saved === 'en') return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return /^ja\b/i.test(nav) ? 'ja' : 'en';
}

let lang = initial();

export function getLang() {
  return lang;
}

// The BCP 47 locale for dates and numbers.
export function locale() {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}

export function setLang(next) {
  if (next !== 'ja' && next !== 'en') return;
  lang = next;
  try {
    window.localStorage.setItem(LANG_KEY, next);
  } catch (e) {
    // not kept: the switch still applies to this page
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// The label for key with {name} placeholders filled from vars (as text).
export function t(key, vars) {
  let s = DICTS[lang][key];
  if (s === undefined) s = en[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{([a-z]+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

// A vocabulary label ('kind', 'threat') with the raw value as fallback.
export function label(group, value) {
  const key = `${group}.${value}`;
  if (key in DICTS[lang] || key in en) return t(key);
  if (group === 'redaction' && typeof value === 'string' && value.startsWith('custom:')) {
    return t('redaction.custom', { name: value.slice(7) });
  }
  return String(value);
}

// Set the text of every element carrying data-i18n (static labels of index.html).
export function applyStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  document.title = t('app.title');
}
