"""What simulated people say during a drill: everyday chatter, then each scenario's crisis, in French and
English. Every text is invented for the simulation. See docs/crisis-room.md"""

from __future__ import annotations

# {org} is the organisation's name. Crisis lines are (language, channel, text).
BASELINE: tuple[tuple[str, str], ...] = (
    ("fr", "{org} publie son rapport annuel : les faits saillants."),
    ("fr", "Belle initiative de {org} pour les familles du quartier."),
    ("fr", "Quelqu'un sait si {org} est ouvert le jour férié?"),
    ("fr", "{org} annonce un nouveau partenariat avec un organisme local."),
    ("fr", "Service rapide aujourd'hui chez {org}, merci à l'équipe."),
    ("fr", "Offre d'emploi : {org} recrute des techniciens."),
    ("fr", "Entrevue avec la direction de {org} sur les projets de l'automne."),
    ("fr", "{org} commandite le tournoi de soccer des jeunes."),
    ("en", "{org} released its annual report today."),
    ("en", "Nice to see {org} supporting the local food bank."),
    ("en", "Does anyone know {org}'s holiday hours?"),
    ("en", "{org} is hiring again, good news for the region."),
)

CRISIS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "recall": (
        ("fr", "social", "Rappel d'un produit de {org} : vérifiez vos armoires, il y aurait un risque de contamination."),
        ("fr", "online_press", "{org} rappelle un de ses produits après des signalements de consommateurs malades."),
        ("fr", "social", "Mon fils a été malade après avoir mangé le produit de {org}. On attend des réponses."),
        ("fr", "social", "Pourquoi {org} n'a encore rien publié sur le rappel? #rappel"),
        ("fr", "forum", "Quels numéros de lot sont visés par le rappel de {org}? Quelqu'un a la liste?"),
        ("fr", "broadcast", "À la radio ce matin : le rappel chez {org} touche plusieurs épiceries de la région."),
        ("en", "social", "{org} recall: check your pantry, there may be a contamination risk."),
        ("en", "online_press", "{org} pulls product from shelves after illness reports."),
    ),
    "data-breach": (
        ("fr", "social", "Je viens de recevoir un courriel louche qui parle d'une fuite de données chez {org}."),
        ("fr", "online_press", "Fuite de données : des renseignements de clients de {org} circuleraient en ligne."),
        ("fr", "social", "Mes données sont chez {org}. Est-ce que je dois changer mon mot de passe? #fuite"),
        ("fr", "forum", "Des fichiers de {org} seraient en vente sur un forum. Quelqu'un peut confirmer?"),
        ("fr", "social", "Toujours aucun mot de {org} sur la fuite de données. Inacceptable."),
        ("fr", "broadcast", "Cyberattaque chez {org} : les experts recommandent la prudence."),
        ("en", "social", "Anyone else get a phishing email about the {org} data breach?"),
        ("en", "online_press", "Customer records from {org} reportedly exposed in breach."),
    ),
    "outage": (
        ("fr", "social", "Panne chez {org} depuis une heure, rien ne fonctionne. #panne"),
        ("fr", "social", "Encore une panne de {org}? Impossible de joindre le service à la clientèle."),
        ("fr", "online_press", "Interruption de service chez {org} : des milliers de clients touchés."),
        ("fr", "forum", "Panne {org} : est-ce que c'est pareil dans votre secteur?"),
        ("fr", "social", "Ça fait trois heures sans service. {org}, une estimation?"),
        ("fr", "broadcast", "La panne chez {org} perturbe les commerces du centre-ville."),
        ("en", "social", "{org} outage again, nothing works. Any ETA?"),
        ("en", "online_press", "Thousands affected by {org} service outage."),
    ),
    "executive": (
        ("fr", "online_press", "Un dirigeant de {org} visé par des allégations troublantes."),
        ("fr", "social", "Le silence de {org} sur les allégations contre son dirigeant en dit long."),
        ("fr", "social", "Je demande la démission du dirigeant de {org}. #démission"),
        ("fr", "forum", "Quelqu'un a lu l'article sur le dirigeant de {org}? Qu'est-ce qu'on sait vraiment?"),
        ("fr", "broadcast", "Tollé après les révélations sur un dirigeant de {org}."),
        ("fr", "social", "Le conseil de {org} doit réagir rapidement à ce scandale."),
        ("en", "online_press", "{org} executive faces allegations; board under pressure."),
        ("en", "social", "Why hasn't {org} said anything about its executive yet?"),
    ),
    "backlash": (
        ("fr", "social", "La nouvelle publicité de {org} est carrément insultante. #boycott"),
        ("fr", "social", "Je ne mettrai plus les pieds chez {org} après ça. #boycott"),
        ("fr", "social", "Qui a approuvé cette campagne chez {org}? Honteux."),
        ("fr", "online_press", "La campagne de {org} suscite un tollé sur les réseaux sociaux."),
        ("fr", "forum", "Vous avez vu la polémique autour de {org}? Les commentaires explosent."),
        ("fr", "social", "{org} a supprimé des commentaires critiques. Ça n'aide pas leur cause."),
        ("en", "social", "That {org} ad is tone-deaf. #boycott"),
        ("en", "online_press", "{org} faces online backlash over new campaign."),
    ),
    "labour": (
        ("fr", "online_press", "Grève chez {org} : les employés débraient ce matin."),
        ("fr", "social", "Solidarité avec les travailleurs de {org} en grève! #grève"),
        ("fr", "social", "Grève chez {org} : est-ce que les services sont maintenus?"),
        ("fr", "broadcast", "Le syndicat de {org} dénonce l'impasse dans les négociations."),
        ("fr", "forum", "Combien de temps va durer la grève chez {org}? Des nouvelles?"),
        ("fr", "social", "Les lignes de piquetage devant {org} s'allongent. #grève"),
        ("en", "online_press", "{org} workers walk off the job as talks stall."),
        ("en", "social", "Is {org} still open during the strike?"),
    ),
    "environment": (
        ("fr", "social", "Grosse fumée noire au-dessus du site de {org}. Quelqu'un sait ce qui se passe?"),
        ("fr", "online_press", "Déversement au site de {org} : les autorités sont sur place."),
        ("fr", "social", "Odeur forte près de l'usine de {org}, on ferme les fenêtres? #déversement"),
        ("fr", "broadcast", "Incident au site de {org} : un périmètre de sécurité est établi."),
        ("fr", "forum", "Est-ce que l'eau est encore potable près du site de {org}?"),
        ("fr", "social", "Des poissons morts dans la rivière près de {org}. Très inquiétant."),
        ("en", "social", "Black smoke over the {org} site, what is going on?"),
        ("en", "online_press", "Spill at {org} site; residents told to stay indoors."),
    ),
}

# Short openers and closers so no two simulated posts read exactly alike.
OPENERS = {"fr": ("", "", "Wow.", "Sérieux.", "Info :", "Bon.", "À suivre :"),
           "en": ("", "", "Wow.", "Seriously.", "Heads up:", "Well.", "Update:")}
CLOSERS = {"fr": ("", "", "À suivre.", "Partagez.", "😕", "Votre avis?"),
           "en": ("", "", "Stay tuned.", "Please share.", "😕", "Thoughts?")}
OUTLETS = {"online_press": ("Le Quotidien (simulation)", "Info Région (simulation)", "The Daily (simulation)"),
           "broadcast": ("Radio Centre (simulation)", "TV Régionale (simulation)"),
           "forum": ("Forum citoyen (simulation)",), "social": ("Réseau social (simulation)",)}
