#!/usr/bin/perl
# make_mmdb.pl - write the small GeoIP2-shaped test databases kairan's tests
# use, with Debian's libmaxmind-db-writer-perl (MaxMind::DB::Writer).
#
#   perl tests/tools/make_mmdb.pl [--next] DIR
#
# writes DIR/kairan-City-Test.mmdb (database_type GeoLite2-City) and
# DIR/kairan-ASN-Test.mmdb (database_type GeoLite2-ASN). --next writes the
# "updated" edition an operator would drop in before a SIGHUP: the same
# files with 203.0.113.0/24 moved to Hokkaido (JP-01) and AS17676.
#
# The ranges are the documentation ranges (RFC 5737, RFC 3849): public
# addresses that the anonymiser does not treat as internal, so attacker
# indicators in them survive into the stored item. Nothing here is real
# geolocation data.
#
#   range              City db                          ASN db
#   203.0.113.0/24     JP, JP-13 (Tokyo)                AS2497 Internet Initiative Japan Inc.
#                      (--next: JP-01, Hokkaido)        (--next: AS17676 SoftBank Corp.)
#   198.51.100.0/24    JP, JP-14 (Kanagawa)             AS4713 NTT Communications Corporation
#   2001:db8:27::/48   JP, JP-27 (Osaka)                AS2516 KDDI CORPORATION
#   192.0.2.0/24       registered_country JP only       AS64500 with a 200-byte Japanese name
#                      (no country, no subdivision)     (longer than kairan keeps)
use strict;
use warnings;
use utf8;

use MaxMind::DB::Writer::Tree;

my $next = 0;
if (@ARGV && $ARGV[0] eq '--next') {
	$next = 1;
	shift @ARGV;
}
die "usage: make_mmdb.pl [--next] DIR\n" unless @ARGV == 1 && -d $ARGV[0];
my $dir = $ARGV[0];

my %types = (
	city                           => 'map',
	country                        => 'map',
	registered_country             => 'map',
	subdivisions                   => [ 'array', 'map' ],
	names                          => 'map',
	en                             => 'utf8_string',
	ja                             => 'utf8_string',
	iso_code                       => 'utf8_string',
	geoname_id                     => 'uint32',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

sub tree {
	my ($type, $desc) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version               => 6,
		record_size              => 28,
		database_type            => $type,
		languages                => [ 'en', 'ja' ],
		description              => { en => $desc },
		map_key_type_callback    => sub { $types{ $_[0] } },
		remove_reserved_networks => 0,    # the documentation ranges are the point
		alias_ipv6_to_ipv4       => 1,
	);
}

sub write_tree {
	my ($tree, $path) = @_;
	open my $fh, '>:raw', "$path.tmp" or die "$path.tmp: $!\n";
	$tree->write_tree($fh);
	close $fh or die "$path.tmp: $!\n";
	rename "$path.tmp", $path or die "$path: $!\n";    # readers never see half a file
}

my %japan = (geoname_id => 1861060, iso_code => 'JP', names => { en => 'Japan', ja => '日本' });

sub place {
	my ($code, $en, $ja, $city_en, $city_ja) = @_;
	return {
		city               => { names => { en => $city_en, ja => $city_ja } },
		country            => {%japan},
		registered_country => {%japan},
		subdivisions       => [ { iso_code => $code, names => { en => $en, ja => $ja } } ],
	};
}

my $city = tree('GeoLite2-City', 'kairan test City database (not real data)');
$city->insert_network('203.0.113.0/24',
	$next
	? place('01', 'Hokkaido', '北海道', 'Sapporo', '札幌市')
	: place('13', 'Tokyo', '東京都', 'Chiyoda', '千代田区'));
$city->insert_network('198.51.100.0/24', place('14', 'Kanagawa', '神奈川県', 'Yokohama', '横浜市'));
$city->insert_network('2001:db8:27::/48', place('27', 'Osaka', '大阪府', 'Osaka', '大阪市'));
$city->insert_network('192.0.2.0/24', { registered_country => {%japan} });
write_tree($city, "$dir/kairan-City-Test.mmdb");

my $asn = tree('GeoLite2-ASN', 'kairan test ASN database (not real data)');
$asn->insert_network('203.0.113.0/24',
	$next
	? { autonomous_system_number => 17676, autonomous_system_organization => 'SoftBank Corp.' }
	: { autonomous_system_number => 2497,
		autonomous_system_organization => 'Internet Initiative Japan Inc.' });
$asn->insert_network('198.51.100.0/24',
	{ autonomous_system_number => 4713,
	  autonomous_system_organization => 'NTT Communications Corporation' });
$asn->insert_network('2001:db8:27::/48',
	{ autonomous_system_number => 2516, autonomous_system_organization => 'KDDI CORPORATION' });
# 200 bytes: 2 ASCII + 66 three-byte characters; kairan keeps at most 127.
$asn->insert_network('192.0.2.0/24',
	{ autonomous_system_number => 64500,
	  autonomous_system_organization => 'X ' . ('回覧' x 33) });
write_tree($asn, "$dir/kairan-ASN-Test.mmdb");
