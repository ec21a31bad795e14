"""The synthetic world: people, phones, ties, Facebook friendships, address books.

Stage 1 of the pipeline. Everything here is ground truth about synthetic people;
nothing here knows about the 2016 policy.

Modules
-------
params       WorldParams (population) and SocialParams (social world)
tables       field metadata of people, ties, person attributes, address books
phones       the synthetic phone-number scheme (never a real subscriber's)
writing      how people write numbers, and how typed numbers are read back
population   the synthetic population generator
summaries    population summary tables
ties         the tie model: foci, sensitive roles, Facebook friendships
addressbook  typed and normalised phone address books
socialworld  SocialWorld and build_social_world
structure    degrees, clustering, visibility, ego networks
edgelist     real networks (SNAP edge lists) as input
"""

from analysis.world.addressbook import *
from analysis.world.edgelist import *
from analysis.world.params import *
from analysis.world.phones import *
from analysis.world.population import *
from analysis.world.socialworld import *
from analysis.world.structure import *
from analysis.world.summaries import *
from analysis.world.tables import *
from analysis.world.ties import *
from analysis.world.writing import *

__all__ = [
    "ADDRESS_BOOK",
    "BUSINESS_LABELS",
    "CONSENT_LABELS",
    "CONSENT_STATES",
    "CONTACT_KINDS",
    "COUNTRIES",
    "DOMESTIC_STYLE_WEIGHTS",
    "E164",
    "EMAIL_DOMAINS",
    "FAILURE_REASONS",
    "FAMILY_LABELS",
    "FB_PHONE_SOURCES",
    "FOREIGN_STYLE_WEIGHTS",
    "IDD_PREFIX",
    "INTERNATIONAL",
    "LAUNCH_DATE",
    "NATIONAL",
    "OPT_OUT_WINDOW_DAYS",
    "PEOPLE",
    "PERSON_ATTRS",
    "PHONE_STYLES",
    "POLICY_DATE",
    "ROLES",
    "ROLE_TIE_KIND",
    "SENSITIVE_KINDS",
    "SERVICE_CODES",
    "STYLES",
    "TIES",
    "TIE_KINDS",
    "WRITING",
    "EdgeListError",
    "LocalePools",
    "PhoneBlock",
    "SocialParams",
    "SocialWorld",
    "WorldParams",
    "address_book_of",
    "adoption_by_country",
    "assign_roles",
    "attach_people",
    "blocks",
    "build_address_book",
    "build_social_world",
    "build_social_world_from_edges",
    "calling_code",
    "check_synthetic",
    "clustering_by_degree",
    "clustering_by_world_size",
    "consent_mix",
    "degree_distribution",
    "draw_numbers",
    "draw_subscribers",
    "e164_text",
    "ego_network",
    "empty_address_book",
    "example_person",
    "facebook_friendships",
    "format_number",
    "generate_population",
    "kinds_for_edges",
    "load_edge_list",
    "local_clustering",
    "locale_pools",
    "mix_by_country",
    "normalisation_by_country",
    "normalisation_calls",
    "normalisation_summary",
    "normalise",
    "normalise_entries",
    "opt_out_days",
    "sensitive_ties",
    "social_ties",
    "structure_report",
    "symmetric_matrix",
    "text_line",
    "tie_kind_mix",
    "uploads_contacts",
    "visibility_by_kind",
    "write_numbers",
    "write_phone",
]
