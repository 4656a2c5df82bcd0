"""The starting files of `cjmgen init --language ru`: the same fields as scaffold.py's, in Russian.

The example is a furniture shop's journey from a search ad to an order, with the
numbers of the Russian CJM articles the project started from (1,000 people see
the ad, 5% click it: 50 visits).
"""

from __future__ import annotations

from cjmgen.scaffold.files import StarterTexts

TITLE = "Карты пути клиента"

CONFIG = """\
# Настройки сайта cjmgen. Все ключи необязательны; показаны значения по умолчанию,
# кроме помеченных «пример».
title: {title}                # в шапке сайта и на обложке раздаточного материала
language: {language}                       # en | ru: язык всех надписей сайта
base_url: /                        # откуда сайт раздаётся, например /cjm/ (ссылки работают и там)
content_dir: maps                  # здесь лежат карты, personas/ и channels.yml
output_dir: site                   # сюда `cjmgen build` пишет сайт (заменяется при каждой сборке)
# author: Отдел клиентского опыта  # пример: автор в свойствах PDF
theme:
  name: default                    # папка в themes/ cjmgen
  # custom_dir: overrides          # пример: ваши templates/ и static/ поверх темы
  # accent: "#1f6feb"              # пример: параметр темы (см. theme.yml темы)
stale_after_days: 180              # карты, не пересмотренные дольше, помечаются как устаревшие
# kpi_stale_after_days: 90         # пример: измеренные KPI со старым последним периодом помечаются
lanes: {{}}                          # свои строки этапа, например {{choice_factors: Факторы выбора}}
pdf:
  page_size: A3 landscape          # формат листа инфографики карты
  handout_maps: 12                 # сколько карт в одном файле раздаточного материала (0: все в одном)
# strict: true                     # пример: предупреждения тоже останавливают check, build и serve
# validation:                      # пример: свой уровень для кода диагностики: ignore | info | warning | error
#   stage-incomplete: ignore
#   conversion-mismatch: error
# extra_css: [styles/brand.css]    # пример: ваша таблица стилей, подключается на каждой странице после темы
# extra_javascript: [scripts/analytics.js]   # пример: ваш скрипт в конце каждой страницы
# tickets: https://jira.example.com/browse/{{id}}   # пример: номер задачи у возможности становится ссылкой
# diff:
#   cosmetic: [quotes, backstage]  # пример: поля, изменения которых `cjmgen diff` считает мелкими
"""

CHANNELS = """\
# Каталог каналов: каждая точка контакта в картах ссылается на id канала (ключ слева).
# kind: online — цифровой канал, offline — живой контакт (звонок, доставка).
search-ads: {name: Поисковая реклама, kind: online}
website: {name: Сайт, kind: online}
email: {name: Email, kind: online}
phone: {name: Звонок в магазин, kind: offline}
courier: {name: Курьерская доставка, kind: offline}
"""

PERSONA = """\
---
# yaml-language-server: $schema=../../.cjmgen/persona.schema.json
name: {name}                      # обязательно: живое имя, например «Анна, 32»
role: Молодой специалист, недавно переехала   # кто это
{photo_line}
quote: Мне некогда ездить по магазинам    # что бы она сказала
goals: [Обставить квартиру за месяц]      # чего хочет добиться
needs: [Понятные сроки доставки]          # что ей нужно от нас
pains: [Скрытая стоимость доставки]       # что её раздражает
channels: [search-ads, website]           # id каналов из channels.yml
---
Биография, привычки и исследования, на которых основана персона.
"""

PHOTO = "photo: assets/{id}.svg            # путь внутри репозитория (необязательно)"
NO_PHOTO = "# photo: assets/{id}.svg          # путь к фото внутри репозитория (необязательно)"

MAP = """\
---
# yaml-language-server: $schema={schema}
title: {title}                    # обязательно
persona: {persona}                     # id персоны (имя файла в personas/ без .md)
segment: Посетители из поиска          # сегмент клиентов
state: current                    # current (как есть) | future (как будет)
status: draft                     # draft | review | published (черновики на сайт не попадают)
owner: Отдел e-commerce           # кто ведёт эту карту
tags: [b2c]
reviewed: {today}                 # дата последнего пересмотра; старше stale_after_days — устарела
related: []                       # id других карт
# current: other/map-id           # у карты будущего состояния: карта текущего, которую она улучшает
# data: data/kpi.csv             # измеренные KPI: CSV/JSON со строками stage,kpi,period,value (docs/format.md)
stages:                           # обязательно: хотя бы один этап
  - id: awareness                 # необязательно, по умолчанию — из названия
    name: Осведомлённость         # обязательно
    goals: Быстро понять, где купить диван с доставкой
    actions: [Ищет в поиске, Читает отзывы]
    thoughts: ["Какому магазину можно доверять?"]
    quotes:
      - {{text: "Нашла вас по объявлению в поиске", source: отзыв на сайте}}
    touchpoints:
      - search-ads                # id канала из channels.yml
      - {{channel: phone, name: Звонок в магазин}}
    emotion: 1                    # от -2 (очень плохо) до 2 (очень хорошо)
    kpis:                         # файл данных называет KPI по id: {{name: ..., id: ctr}}
      - {{name: CTR объявления, value: 5%, target: 7.5%}}
    obstacles: [В объявлении непонятное предложение]
    triggers: [Баннер ретаргетинга]
    push: Кнопка «Бесплатная консультация»   # что переводит клиента на следующий этап
    opportunities:
      - Указать срок доставки в тексте объявления
      # пример: возможность, доведённая до решения (docs/format.md, Opportunities)
      # - {{text: Цена «от» в объявлении, id: ad-price, owner: Маркетинг, status: в работе, impact: high,
      #    effort: low, ticket: MKT-1, kpi: ctr-объявления}}
    backstage: [CRM назначает заявку менеджеру]
    owner: Маркетинг              # кто в компании отвечает за этап
    count: 1000                   # сколько клиентов дошло до этапа
    conversion: 5%                # заявленная конверсия в следующий этап (сверяется со счётчиками)
    # next: [evaluation]          # по умолчанию — следующий этап; несколько id — ветки, более ранние — петли
  - id: evaluation
    name: Оценка и выбор
    goals: Выбрать лучшее предложение
    kpis:
      - {{name: Добавления в корзину, value: 8%, target: 10%}}
    obstacles: [Цены трудно сравнить]
    owner: E-commerce
    emotion: 0
    count: 50
---
История карты: кто клиент, что показало исследование, источники.

## Осведомлённость
Заголовок второго уровня с названием или id этапа прикрепляет этот раздел к этапу.
"""

RUSSIAN = StarterTexts(TITLE, CONFIG, CHANNELS, PERSONA, PHOTO, NO_PHOTO, MAP)
