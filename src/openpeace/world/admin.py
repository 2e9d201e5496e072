"""The officials' back office for the register."""

from django.contrib import admin

from openpeace.world import models as m


@admin.register(m.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "url"]
    search_fields = ["key", "title"]


@admin.register(m.Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["tag", "name", "endonym", "direction"]
    list_filter = ["direction"]
    search_fields = ["tag", "name"]


@admin.register(m.Side)
class SideAdmin(admin.ModelAdmin):
    list_display = ["key", "name"]


class GovernmentInline(admin.StackedInline):
    model = m.Government


class PeopleInline(admin.TabularInline):
    model = m.People
    extra = 0
    filter_horizontal = ["languages"]


@admin.register(m.State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "side", "entered_war"]
    list_filter = ["side"]
    search_fields = ["name", "key", "endonym"]
    inlines = [GovernmentInline, PeopleInline]
    filter_horizontal = ["sources"]


@admin.register(m.Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "held_by"]
    list_filter = ["held_by"]
    search_fields = ["name", "key"]
    filter_horizontal = ["sources"]


@admin.register(m.Nationality)
class NationalityAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "standing"]
    list_filter = ["standing", "ruled_by"]
    search_fields = ["name", "key", "endonym"]
    filter_horizontal = ["languages", "ruled_by", "territories", "sources"]


@admin.register(m.Belligerency)
class BelligerencyAdmin(admin.ModelAdmin):
    list_display = ["state", "opponent", "since"]
    list_filter = ["state", "opponent"]
    filter_horizontal = ["sources"]


@admin.register(m.Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["territory", "occupier", "since"]
    list_filter = ["occupier"]
    filter_horizontal = ["sources"]


@admin.register(m.SituationRecord)
class SituationRecordAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "as_of", "loaded_at"]
